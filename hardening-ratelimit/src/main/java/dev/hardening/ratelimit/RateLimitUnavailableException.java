package dev.hardening.ratelimit;

/**
 * Thrown (or used to complete a stage exceptionally) when a Redis-backed limiter or dedup store cannot
 * reach a decision: Redis disconnected, timed out, or answered with an error. Wrap the limiter in a
 * resilient limiter ({@link RateLimiter#resilient}) to get a fallback decision instead. No stack trace is filled in: this is a
 * hot-path outcome, and the cause carries the detail. Thread-safe.
 */
public final class RateLimitUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without secrets
     * @param cause   the client's exception, may be null
     */
    public RateLimitUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
