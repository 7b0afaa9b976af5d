package dev.hardening.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a caller identified by a key may spend {@code cost} tokens now, under a
 * {@link RateLimitPolicy}. Obtain one from {@link LocalRateLimiter}, {@link RedisRateLimiter} or
 * {@link ResilientRateLimiter}.
 *
 * <p>Keys are opaque non-empty strings of at most {@value #MAX_KEY_LENGTH} characters; longer keys are
 * rejected (hash them first). The cost must be at least 1. Implementations are thread-safe.
 */
public interface RateLimiter {

    /** The longest key accepted, in characters. */
    int MAX_KEY_LENGTH = 1024;

    /**
     * Spends one token.
     *
     * @param key the caller's key
     * @return the decision
     * @throws IllegalArgumentException for an empty or overlong key
     * @throws RateLimitUnavailableException if the backend cannot decide (never thrown by a
     *     {@link ResilientRateLimiter} or a local limiter)
     */
    default Decision tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /**
     * Spends {@code cost} tokens if every limit has them; otherwise spends nothing.
     *
     * @param key  the caller's key
     * @param cost tokens to spend, ≥ 1
     * @return the decision
     * @throws IllegalArgumentException for an empty or overlong key or a cost below 1
     * @throws RateLimitUnavailableException if the backend cannot decide (never thrown by a
     *     {@link ResilientRateLimiter} or a local limiter)
     */
    Decision tryAcquire(String key, long cost);

    /**
     * Asynchronous form of {@link #tryAcquire(String, long)}; backend failures complete the stage
     * exceptionally with {@link RateLimitUnavailableException}.
     *
     * @param key  the caller's key
     * @param cost tokens to spend, ≥ 1
     * @return the decision, completed on a backend I/O thread or the caller's
     * @throws IllegalArgumentException for an empty or overlong key or a cost below 1 (thrown, not
     *     returned)
     */
    CompletionStage<Decision> tryAcquireAsync(String key, long cost);

    /** @return the policy this limiter enforces */
    RateLimitPolicy policy();

    /** @return the counters this limiter updates */
    RateLimitCounters counters();

    /**
     * Checks a key and cost; for implementations.
     *
     * @param key  the key
     * @param cost the cost
     * @throws IllegalArgumentException if either is invalid
     */
    static void checkRequest(String key, long cost) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: empty (expected: a non-empty caller key)");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key: " + key.length() + " characters (expected: <= "
                    + MAX_KEY_LENGTH + "; hash long keys)");
        }
        if (cost < 1) {
            throw new IllegalArgumentException("cost: " + cost + " (expected: >= 1)");
        }
    }
}
