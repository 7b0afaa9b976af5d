package dev.hardening.ratelimit;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.internal.LocalBucketLimiter;

/**
 * Builds an in-memory {@link RateLimiter}: Bucket4j local buckets (greedy refill, every limit of the
 * policy charged atomically), one per key, in a bounded Caffeine map. Obtain it from
 * {@link RateLimiter#localBuilder(RateLimitPolicy)}.
 *
 * <p><b>What the map keeps.</b> A bucket that has refilled to full carries no information (a full
 * bucket and a new bucket decide identically), so each key expires exactly when its bucket would be
 * full again and refilled buckets go first. A caller at its limit, or partly drained, is never
 * evicted: when the map holds {@link #maxKeys(int) maxKeys} buckets that are all still refilling,
 * a new key is not given a bucket of its own but is charged to one <em>overflow bucket</em> shared
 * by every such key (same policy), until buckets refill and free room. A flood of new keys therefore
 * gets one caller's quota in total and cannot push a limited caller out; such decisions are counted
 * in {@link RateLimitCounters#overflowDecisions()}. A refilled bucket's place is free again at most
 * about a second after it refilled (the resolution of Caffeine's expiry timer wheel). Memory stays below {@code maxKeys} buckets plus
 * one per thread inserting at the same instant.
 *
 * <p>Holds only within one process: with N replicas a caller gets up to N times the limit.
 *
 * <p>Defaults (pinned by a test): {@value #DEFAULT_MAX_KEYS} keys, {@link TimeSource#system()}, fresh
 * {@link RateLimitCounters}. Each option may be set once ({@code "maxKeys: already set"}). Not
 * thread-safe; the limiter it builds is.
 */
public final class LocalLimiterBuilder {

    /** Default most keys with a bucket of their own. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    /** Largest accepted {@link #maxKeys(int)}. */
    public static final int MAX_MAX_KEYS = 10_000_000;

    private final RateLimitPolicy policy;
    private Integer maxKeys;
    private TimeSource timeSource;
    private RateLimitCounters counters;
    private DecisionSource source;

    LocalLimiterBuilder(RateLimitPolicy policy) {
        this.policy = Checks.notNull(policy, "policy");
    }

    /**
     * @param maxKeys most keys with a bucket of their own, 1 to {@value #MAX_MAX_KEYS}; default
     *                {@value #DEFAULT_MAX_KEYS}
     * @return this
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException    if already set
     */
    public LocalLimiterBuilder maxKeys(int maxKeys) {
        Checks.inRange(maxKeys, 1, MAX_MAX_KEYS, "maxKeys");
        this.maxKeys = Checks.setOnce(this.maxKeys, maxKeys, "maxKeys");
        return this;
    }

    /**
     * @param timeSource the time the buckets refill by; default {@link TimeSource#system()}
     * @return this
     * @throws NullPointerException  if null
     * @throws IllegalStateException if already set
     */
    public LocalLimiterBuilder timeSource(TimeSource timeSource) {
        this.timeSource = Checks.setOnce(this.timeSource, timeSource, "timeSource");
        return this;
    }

    /**
     * @param counters counters to update (to share them with other components); default fresh ones
     * @return this
     * @throws NullPointerException  if null
     * @throws IllegalStateException if already set
     */
    public LocalLimiterBuilder counters(RateLimitCounters counters) {
        this.counters = Checks.setOnce(this.counters, counters, "counters");
        return this;
    }

    LocalLimiterBuilder source(DecisionSource source) {
        this.source = Checks.setOnce(this.source, source, "source");
        return this;
    }

    /** @return the limiter; thread-safe, never throws for valid input */
    public RateLimiter build() {
        return new LocalBucketLimiter(policy,
                maxKeys == null ? DEFAULT_MAX_KEYS : maxKeys,
                timeSource == null ? TimeSource.system() : timeSource,
                counters == null ? new RateLimitCounters() : counters,
                source == null ? DecisionSource.LOCAL : source);
    }
}
