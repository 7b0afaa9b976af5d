package dev.hardening.ratelimit;

import dev.hardening.ratelimit.internal.RedisScriptLimiter;
import java.util.Objects;

/**
 * Builds the Redis-backed {@link RateLimiter}: one {@code EVALSHA} of a server-side token-bucket script
 * per decision (one key per caller, so Cluster-safe), all limits of the policy checked and charged
 * atomically, time read from Redis' clock (application clock skew changes nothing), keys named
 * {@code <prefix><policy fingerprint>:<caller key>} and expiring once their bucket would be full again.
 * A value under the key that is not a bucket of this policy (garbage, another type) is replaced by a
 * full bucket and counted in {@link RateLimitCounters#corruptValues()}.
 *
 * <p>The limiter throws {@link RateLimitUnavailableException} when Redis cannot answer within the
 * backend's command timeout; wrap it in a {@link ResilientRateLimiter} for fallback behaviour.
 * Decisions are identical to a Bucket4j local bucket with the same greedy limits and timeline.
 */
public final class RedisRateLimiter {

    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "rl:";

    private RedisRateLimiter() {
    }

    /**
     * @param backend the Redis connection
     * @param policy  the limits to enforce
     * @return a builder
     */
    public static Builder builder(RedisBackend backend, RateLimitPolicy policy) {
        return new Builder(backend, policy);
    }

    /** Builder; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final RedisBackend backend;
        private final RateLimitPolicy policy;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private RateLimitCounters counters = new RateLimitCounters();

        private Builder(RedisBackend backend, RateLimitPolicy policy) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /**
         * @param prefix key namespace, 1..64 characters without whitespace; default {@value #DEFAULT_KEY_PREFIX}
         * @return this
         */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || prefix.length() > 64 || prefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix: '" + prefix
                        + "' (expected: 1..64 characters without whitespace)");
            }
            this.keyPrefix = prefix;
            return this;
        }

        /**
         * @param counters counters to update (to share them with other components)
         * @return this
         */
        public Builder counters(RateLimitCounters counters) {
            this.counters = Objects.requireNonNull(counters, "counters");
            return this;
        }

        /** @return the limiter */
        public RateLimiter build() {
            return new RedisScriptLimiter(backend.connector(), policy, keyPrefix, counters, backend.commandTimeout());
        }
    }
}
