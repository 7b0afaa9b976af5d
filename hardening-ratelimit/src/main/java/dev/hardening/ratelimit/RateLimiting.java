package dev.hardening.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Wires rate limiting from settings in one place: {@code REDIS_URI}, {@code RATE_LIMIT},
 * {@code RATE_LIMIT_FALLBACK}, {@code RATE_LIMIT_BACKEND}, {@code TRUSTED_PROXIES}. With a Redis URI
 * (and backend not {@code memory}) the limiter is a {@link ResilientRateLimiter} over a
 * {@link RedisRateLimiter}; otherwise a {@link LocalRateLimiter}. Every setting is parsed by its builder
 * method at once, throwing {@link RateLimitSpecException} with a stable reason code.
 *
 * <pre>{@code
 * RateLimiting rl = RateLimiting.builder()
 *         .redisUri(settings.get("REDIS_URI"))          // "" or absent = in-memory
 *         .policy(settings.get("RATE_LIMIT"))           // "100/1m,1000/1h"
 *         .fallback(settings.get("RATE_LIMIT_FALLBACK")) // local | open | closed
 *         .backend(settings.get("RATE_LIMIT_BACKEND"))  // redis | memory | "" (auto)
 *         .trustedProxies(settings.get("TRUSTED_PROXIES"))
 *         .build();
 * }</pre>
 *
 * Thread-safe once built; close it on shutdown (it owns the Redis connection).
 */
public final class RateLimiting implements AutoCloseable {

    /** Default {@code RATE_LIMIT}. */
    public static final String DEFAULT_POLICY = "100/1m";

    private final RateLimitPolicy policy;
    private final Optional<RedisBackend> redis;
    private final RateLimiter limiter;
    private final TrustedProxies proxies;
    private final RateLimitStartupCheck check;

    private RateLimiting(Builder b) {
        this.policy = b.policy;
        this.proxies = b.proxies;
        boolean useRedis = b.redisUri.isPresent() && !"memory".equals(b.backend);
        if ("redis".equals(b.backend) && b.redisUri.isEmpty()) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.UNKNOWN_BACKEND,
                    "RATE_LIMIT_BACKEND: 'redis' without REDIS_URI (expected: set REDIS_URI, or use memory)");
        }
        if (useRedis) {
            RedisBackend backend = RedisBackend.builder(b.redisUri.get()).build();
            this.redis = Optional.of(backend);
            this.limiter = ResilientRateLimiter.builder(RedisRateLimiter.builder(backend, policy).build())
                    .fallback(b.fallback)
                    .localShare(b.localShare)
                    .build();
        } else {
            this.redis = Optional.empty();
            this.limiter = LocalRateLimiter.builder(policy).build();
        }
        this.check = new RateLimitStartupCheck(policy, redis, "memory".equals(b.backend), b.fallback, proxies, b.mode);
    }

    /** @return a builder with {@value #DEFAULT_POLICY}, fallback local, no Redis, no trusted proxies */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the limiter: resilient Redis-backed, or local */
    public RateLimiter limiter() {
        return limiter;
    }

    /** @return the policy */
    public RateLimitPolicy policy() {
        return policy;
    }

    /** @return the trusted proxies for key resolvers */
    public TrustedProxies trustedProxies() {
        return proxies;
    }

    /** @return the Redis backend, if configured */
    public Optional<RedisBackend> redis() {
        return redis;
    }

    /** @return the counters of the limiter */
    public RateLimitCounters counters() {
        return limiter.counters();
    }

    /** @return startup findings for the report */
    public RateLimitStartupCheck startupCheck() {
        return check;
    }

    /**
     * @param namespace key namespace, e.g. {@code github}
     * @param ttl       how long ids are remembered
     * @return a Redis dedup store with local fallback, or a local store without Redis
     */
    public DedupStore dedupStore(String namespace, Duration ttl) {
        if (redis.isPresent()) {
            return DedupStore.redis(redis.get(), namespace, ttl);
        }
        return DedupStore.local(ttl, DedupStore.DEFAULT_LOCAL_MAX_ENTRIES, Ticker.system());
    }

    /** Closes the Redis connection, if any. Idempotent. */
    @Override
    public void close() {
        redis.ifPresent(RedisBackend::close);
    }

    /** Builder; each setter parses and validates at once. Not thread-safe. */
    public static final class Builder {
        private Optional<String> redisUri = Optional.empty();
        private RateLimitPolicy policy = RateLimitPolicy.parse(DEFAULT_POLICY);
        private FallbackMode fallback = FallbackMode.LOCAL;
        private String backend = "";
        private TrustedProxies proxies = TrustedProxies.none();
        private double localShare = ResilientRateLimiter.DEFAULT_LOCAL_SHARE;
        private EnforcementMode mode = EnforcementMode.ENFORCE;

        private Builder() {
        }

        /**
         * @param uri {@code REDIS_URI}; null or blank means none (in-memory)
         * @return this
         * @throws RateLimitSpecException with {@code BAD_REDIS_URI} if malformed (checked without connecting)
         */
        public Builder redisUri(String uri) {
            if (uri == null || uri.isBlank()) {
                this.redisUri = Optional.empty();
            } else {
                RedisBackend.builder(uri);
                this.redisUri = Optional.of(uri.strip());
            }
            return this;
        }

        /**
         * @param spec {@code RATE_LIMIT}; null or blank means {@value #DEFAULT_POLICY}
         * @return this
         * @throws RateLimitSpecException for a bad spec
         */
        public Builder policy(String spec) {
            this.policy = RateLimitPolicy.parse(spec == null || spec.isBlank() ? DEFAULT_POLICY : spec);
            return this;
        }

        /**
         * @param policy the policy
         * @return this
         */
        public Builder policy(RateLimitPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param mode {@code RATE_LIMIT_FALLBACK}: local, open or closed; null or blank means local
         * @return this
         * @throws RateLimitSpecException with {@code UNKNOWN_FALLBACK}
         */
        public Builder fallback(String mode) {
            this.fallback = mode == null || mode.isBlank() ? FallbackMode.LOCAL : FallbackMode.parse(mode);
            return this;
        }

        /**
         * @param mode what to do while Redis is unavailable
         * @return this
         */
        public Builder fallback(FallbackMode mode) {
            this.fallback = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param backend {@code RATE_LIMIT_BACKEND}: redis, memory, or null/blank for automatic (Redis
         *                when a URI is set)
         * @return this
         * @throws RateLimitSpecException with {@code UNKNOWN_BACKEND}
         */
        public Builder backend(String backend) {
            String b = backend == null ? "" : backend.strip().toLowerCase(Locale.ROOT);
            if (!(b.isEmpty() || b.equals("redis") || b.equals("memory"))) {
                throw new RateLimitSpecException(RateLimitSpecException.Reason.UNKNOWN_BACKEND,
                        "RATE_LIMIT_BACKEND: '" + (b.length() > 20 ? b.substring(0, 20) + "..." : b)
                                + "' (expected: redis or memory)");
            }
            this.backend = b;
            return this;
        }

        /**
         * @param cidrs {@code TRUSTED_PROXIES}; null or blank means none
         * @return this
         * @throws RateLimitSpecException with {@code BAD_CIDR}
         */
        public Builder trustedProxies(String cidrs) {
            this.proxies = TrustedProxies.parse(cidrs);
            return this;
        }

        /**
         * @param proxies proxies whose {@code X-Forwarded-For} is believed, already parsed
         * @return this
         */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /**
         * @param share share of each limit the local fallback enforces, (0, 1]
         * @return this
         */
        public Builder localShare(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("localShare: " + share + " (expected: 0 < share <= 1)");
            }
            this.localShare = share;
            return this;
        }

        /**
         * @param mode the HTTP adapters' enforcement mode, reported by the startup check
         * @return this
         */
        public Builder mode(EnforcementMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @return the wiring; starts connecting to Redis in the background
         * @throws RateLimitSpecException if backend is redis but no URI is set
         */
        public RateLimiting build() {
            return new RateLimiting(this);
        }
    }
}
