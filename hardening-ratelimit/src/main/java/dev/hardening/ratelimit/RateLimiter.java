package dev.hardening.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a caller identified by a key may spend {@code cost} tokens now, under a
 * {@link RateLimitPolicy}. Obtain one from {@link #local(RateLimitPolicy)} /
 * {@link #localBuilder(RateLimitPolicy)} (in this process), from a {@link SharedBackend} such as
 * {@code dev.hardening.ratelimit.redis.RedisBackend} (across replicas), and guard a shared one with
 * {@link #resilient(RateLimiter, FallbackMode)} / {@link #resilientBuilder(RateLimiter)}. HTTP
 * services usually wire all of that through {@link RateLimiting}.
 *
 * <p>Keys are opaque non-empty strings of at most {@value #MAX_KEY_LENGTH} characters; longer keys are
 * rejected (hash them first). The cost must be at least 1. Implementations are thread-safe.
 */
public interface RateLimiter {

    /** The longest key accepted, in characters. */
    int MAX_KEY_LENGTH = 1024;

    /**
     * An in-memory limiter with the defaults of {@link LocalLimiterBuilder}: at most
     * {@value LocalLimiterBuilder#DEFAULT_MAX_KEYS} keys, buckets dropped once refilled, the system
     * time source. Needs no Redis client on the class path.
     *
     * @param policy the limits
     * @return the limiter; thread-safe
     * @throws NullPointerException if {@code policy} is null
     */
    static RateLimiter local(RateLimitPolicy policy) {
        return localBuilder(policy).build();
    }

    /**
     * @param policy the limits
     * @return a builder of an in-memory limiter
     * @throws NullPointerException if {@code policy} is null
     */
    static LocalLimiterBuilder localBuilder(RateLimitPolicy policy) {
        return new LocalLimiterBuilder(policy);
    }

    /**
     * A limiter that asks {@code primary} first and, whenever it cannot decide, lets {@code fallback}
     * decide; with the breaker defaults of {@link ResilientLimiterBuilder}.
     *
     * @param primary  the limiter to ask first, usually from a {@link SharedBackend}
     * @param fallback what decides while the primary is unavailable
     * @return the limiter; never throws {@link RateLimitUnavailableException}; thread-safe
     * @throws NullPointerException if an argument is null
     */
    static RateLimiter resilient(RateLimiter primary, FallbackMode fallback) {
        return resilientBuilder(primary).fallback(fallback).build();
    }

    /**
     * @param primary the limiter to ask first, usually from a {@link SharedBackend}
     * @return a builder of a limiter with a circuit breaker and a fallback
     * @throws NullPointerException if {@code primary} is null
     */
    static ResilientLimiterBuilder resilientBuilder(RateLimiter primary) {
        return new ResilientLimiterBuilder(primary);
    }

    /**
     * Spends one token.
     *
     * @param key the caller's key
     * @return the decision
     * @throws IllegalArgumentException for an empty or overlong key
     * @throws RateLimitUnavailableException if the backend cannot decide (never thrown by a
     *     resilient or a local limiter)
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
     *     resilient or a local limiter)
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
