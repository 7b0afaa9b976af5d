package dev.hardening.lifecycle;

import java.util.Objects;

/**
 * A lease store (Redis, PostgreSQL) could not be read or written: the one exception every
 * {@link LeaseProvider} backend throws from {@code tryAcquire}, {@code renew} and
 * {@code releaseAfter}, so callers catch this type rather than {@code RuntimeException}.
 *
 * <p>The message names the operation, the lease and a store error code (a SQLState, or none),
 * never credentials, URIs with passwords or exception class names. {@link #reason()} is a stable
 * code for metrics and branching. Immutable; thread-safe.
 */
public final class LeaseStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the store operation failed; the names are stable. */
    public enum Reason {
        /** The store did not answer in time or refused the connection. */
        UNREACHABLE,
        /** The store answered with an error (SQL error, script error). */
        STORE_ERROR,
        /** The provider was closed before the call. */
        CLOSED
    }

    private final Reason reason;

    /**
     * @param reason  the stable reason code
     * @param message what failed, naming the operation and the lease; no secrets
     * @param cause   the client's exception, or {@code null}
     * @throws NullPointerException if {@code reason} or {@code message} is null
     */
    public LeaseStoreException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the stable reason code */
    public Reason reason() {
        return reason;
    }
}
