package dev.hardening.lifecycle;

/**
 * Told what happens to leases taken through a provider wrapped by
 * {@link LeaseProvider#withListener(LeaseListener)}: acquisitions, names held elsewhere, store
 * failures, renewal failures and leases found lost. For metrics and alerts; every method has an
 * empty default, so a listener overrides only what it needs.
 *
 * <p>Methods are called on the thread that made the lease call (a job's thread, a
 * {@link LeaseKeeper}'s renewal), after the call completed and before its result is returned, so
 * they must be quick and must not block. A listener that throws is logged once at WARN and
 * otherwise ignored: the lease call returns or throws exactly as it would without a listener.
 *
 * <p>{@code name} is the lease name the application chose ({@code job:cleanup}); the error is the
 * exception the provider threw, for its {@link LeaseStoreException#reason()}; a listener that
 * exports either must not use the exception's message or class name as a tag. Implementations
 * must be thread-safe.
 */
public interface LeaseListener {

    /**
     * A {@link LeaseProvider#tryAcquire} returned a lease.
     *
     * @param name the lease name
     */
    default void acquired(String name) {
    }

    /**
     * A {@link LeaseProvider#tryAcquire} found the name held elsewhere (or kept after a release)
     * and returned empty.
     *
     * @param name the lease name
     */
    default void busy(String name) {
    }

    /**
     * A {@link LeaseProvider#tryAcquire} threw: the store could not be reached or answered with an
     * error; the caller sees the same exception.
     *
     * @param name  the lease name
     * @param error what the provider threw, usually a {@link LeaseStoreException}
     */
    default void acquireFailed(String name, RuntimeException error) {
    }

    /**
     * A {@link Lease#renew} threw (the store could not be reached); the lease stays valid on the
     * holder's clock until its current end, and a {@link LeaseKeeper} retries at its next period.
     *
     * @param name  the lease name
     * @param error what the lease threw, usually a {@link LeaseStoreException}
     */
    default void renewalFailed(String name, RuntimeException error) {
    }

    /**
     * A {@link Lease#renew} returned {@code false} for a lease that had not been released: it
     * expired or another holder took it while work may still have run under it. Called at most
     * once per acquisition.
     *
     * @param name the lease name
     */
    default void lost(String name) {
    }
}
