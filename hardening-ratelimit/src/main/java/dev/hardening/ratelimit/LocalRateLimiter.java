package dev.hardening.ratelimit;

import dev.hardening.ratelimit.internal.LocalBucketLimiter;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds an in-memory {@link RateLimiter}: Bucket4j local buckets (greedy refill, all limits of the
 * policy enforced atomically) held in a bounded map — at most {@link #DEFAULT_MAX_KEYS} keys by default,
 * least recently used evicted first, and a key idle for longer than the policy's full-refill time
 * dropped (a fresh bucket is then identical). Never an unbounded dictionary.
 *
 * <p>Holds only within one process: with N replicas a caller gets up to N times the limit. Use it as
 * the embedded default when no Redis is configured, and as the fallback of a {@link ResilientRateLimiter}.
 * Decisions never throw for valid input. Thread-safe.
 */
public final class LocalRateLimiter {

    /** Default most keys held. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private LocalRateLimiter() {
    }

    /**
     * @param policy the limits
     * @return a builder
     */
    public static Builder builder(RateLimitPolicy policy) {
        return new Builder(policy);
    }

    /** Builder; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final RateLimitPolicy policy;
        private int maxKeys = DEFAULT_MAX_KEYS;
        private Duration idleExpiry;
        private Ticker ticker = Ticker.system();
        private RateLimitCounters counters = new RateLimitCounters();
        private DecisionSource source = DecisionSource.LOCAL;

        private Builder(RateLimitPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            this.idleExpiry = policy.maxRefillTime();
        }

        /**
         * @param maxKeys most keys held, 1..10,000,000; default {@value #DEFAULT_MAX_KEYS}
         * @return this
         */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 1 || maxKeys > 10_000_000) {
                throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: 1 .. 10000000)");
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * @param idle drop a key idle this long; at least the policy's full-refill time (shorter would
         *             forget consumption), at most 7 days; default the full-refill time
         * @return this
         */
        public Builder idleExpiry(Duration idle) {
            Objects.requireNonNull(idle, "idle");
            if (idle.compareTo(policy.maxRefillTime()) < 0 || idle.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("idleExpiry: " + idle + " (expected: "
                        + policy.maxRefillTime() + " .. P7D)");
            }
            this.idleExpiry = idle;
            return this;
        }

        /**
         * @param ticker time source (tests); default {@link Ticker#system()}
         * @return this
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @param counters counters to update
         * @return this
         */
        public Builder counters(RateLimitCounters counters) {
            this.counters = Objects.requireNonNull(counters, "counters");
            return this;
        }

        Builder source(DecisionSource source) {
            this.source = source;
            return this;
        }

        /** @return the limiter */
        public RateLimiter build() {
            return new LocalBucketLimiter(policy, maxKeys, idleExpiry, ticker, counters, source);
        }
    }
}
