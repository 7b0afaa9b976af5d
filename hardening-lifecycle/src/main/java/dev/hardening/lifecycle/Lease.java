package dev.hardening.lifecycle;

import java.time.Duration;

/**
 * A time-limited claim on a name, held by at most one holder at a time across replicas, with a
 * fencing token. Obtain one from {@link LeaseProvider#tryAcquire(String, Duration)}.
 *
 * <p><b>Fencing.</b> Every acquisition of a name carries a larger {@link #fencingToken()} than any
 * before it. A pause (GC, VM migration) can outlast the lease, so writes that must not come from a
 * stale holder should carry the token and the resource should reject a token lower than the
 * highest it has seen.
 *
 * <p><b>Time.</b> {@link #isValid()} is measured on the holder's monotonic clock from a moment
 * taken <em>before</em> the acquire request was sent, minus a safety margin, so the holder stops
 * believing it holds the lease no later than the store expires it. Wall clocks are never used.
 *
 * <p>Implementations must be thread-safe. A backend such as Redis maps onto this interface as
 * {@code INCR} of a per-name counter for the token plus {@code SET name value NX PX ttl} to
 * acquire, and compare-and-{@code PEXPIRE} / compare-and-{@code DEL} scripts for
 * {@link #renew(Duration)} and {@link #releaseAfter(Duration)}.
 */
public interface Lease extends AutoCloseable {

    /** @return the leased name */
    String name();

    /** @return the fencing token of this acquisition: larger than every earlier one for the name */
    long fencingToken();

    /** @return whether this holder may still act on the lease (monotonic clock, safety margin applied) */
    boolean isValid();

    /** @return how long the holder may still act, zero if no longer valid */
    Duration remaining();

    /**
     * Extends the lease to {@code ttl} from now if this holder still has it.
     *
     * @param ttl the new time to live
     * @return {@code true} if extended, {@code false} if the lease was lost (expired or taken)
     */
    boolean renew(Duration ttl);

    /**
     * Lets the lease run out {@code keep} from now instead of at its current expiry; zero releases
     * it at once. Used to enforce a minimum interval between runs across replicas. Does nothing
     * if the lease was already lost. After this call {@link #isValid()} is {@code false}.
     *
     * @param keep how long the name stays claimed
     */
    void releaseAfter(Duration keep);

    /** Releases the lease at once: {@code releaseAfter(Duration.ZERO)}. */
    @Override
    default void close() {
        releaseAfter(Duration.ZERO);
    }
}
