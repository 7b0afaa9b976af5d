package dev.hardening.lifecycle.redis;

/**
 * Redis could not be reached (or answered with an error) within the command timeout while
 * acquiring, renewing or releasing a lease. The message names the Redis host, never credentials.
 */
public final class RedisLeaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without credentials
     * @param cause   the client's exception, or {@code null}
     */
    public RedisLeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
