package dev.hardening.ratelimit;

import dev.hardening.config.StartupCheck;
import java.time.Duration;

/**
 * State shared by every replica of a service — limiter buckets and dedup ids — held in an external
 * store such as Redis ({@code dev.hardening.ratelimit.redis.RedisBackend}). A backend reports its own
 * connection posture (timeouts, TLS) as startup findings and owns its connection: close it on
 * shutdown, or hand it to {@link RateLimiting}, which then closes it.
 *
 * <p>The limiter it returns throws {@link RateLimitUnavailableException} when the store cannot answer;
 * guard it with {@link RateLimiter#resilient(RateLimiter, FallbackMode)} (as {@link RateLimiting}
 * does). Implementations are thread-safe.
 */
public interface SharedBackend extends StartupCheck, AutoCloseable {

    /**
     * @param policy the limits to enforce
     * @return a limiter whose buckets live in the shared store, with fresh counters
     * @throws NullPointerException if {@code policy} is null
     */
    RateLimiter limiter(RateLimitPolicy policy);

    /**
     * @param namespace key namespace such as {@code github}, 1 to 64 letters, digits, {@code . _ -}
     * @param ttl       how long ids are remembered, 1 s to 30 days
     * @return a dedup store whose ids live in the shared store
     * @throws IllegalArgumentException for a bad namespace or TTL
     */
    DedupStore dedupStore(String namespace, Duration ttl);

    /** @return a description for reports and logs, such as {@code Redis STANDALONE [10.0.0.5:6379]}; never a credential */
    String description();

    /** Closes the connection and its threads. Idempotent. */
    @Override
    void close();
}
