package dev.hardening.ratelimit;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.internal.DedupIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rate limiting of an HTTP service wired in one place: the limiter, the enforcement mode, the trusted
 * proxies and the dedup stores, and the startup check that reports all of them. The HTTP filters are
 * built from this object ({@code jdkhttp.RateLimitFilter.builder(rateLimiting)},
 * {@code servlet.RateLimitServletFilter.builder(rateLimiting)}), so the mode the report shows is the
 * mode the filters run.
 *
 * <p>With a {@link SharedBackend} (and {@link RateLimitBackend} not {@code MEMORY}) the limiter is
 * {@link RateLimiter#resilient resilient} over the shared one, with the {@link FallbackMode}; otherwise
 * it is {@link RateLimiter#local local}.
 *
 * <pre>{@code
 * RateLimiting.Builder b = RateLimiting.builder()
 *         .policy(settings.rateLimit())                     // RATE_LIMIT, e.g. 100/1m,1000/1h
 *         .fallback(settings.rateLimitFallback());          // RATE_LIMIT_FALLBACK
 * settings.rateLimitBackend().ifPresent(b::backend);        // RATE_LIMIT_BACKEND: redis | memory
 * settings.redisUri().map(RedisBackend::connect).ifPresent(b::shared); // REDIS_URI
 * settings.trustedProxies().ifPresent(b::trustedProxies);   // TRUSTED_PROXIES
 * RateLimiting rl = b.build();
 * }</pre>
 *
 * Thread-safe once built; close it on shutdown (it owns the shared backend given to it).
 */
public final class RateLimiting implements AutoCloseable {

    /** Default policy: 100 requests per minute per caller. */
    public static final RateLimitPolicy DEFAULT_POLICY = RateLimitPolicy.parse("100/1m");
    /** Most dedup namespaces one instance hands out. */
    public static final int MAX_DEDUP_NAMESPACES = 32;

    private final RateLimitPolicy policy;
    private final Optional<SharedBackend> shared;
    private final boolean sharedInUse;
    private final Optional<RateLimitBackend> backendChoice;
    private final FallbackMode fallback;
    private final RateLimiter limiter;
    private final TrustedProxies proxies;
    private final EnforcementMode mode;
    private final TimeSource time;
    private final Map<String, DedupStore> dedupStores = new LinkedHashMap<>();
    private final RateLimitStartupCheck check;

    private RateLimiting(Builder b) {
        this.policy = b.policy == null ? DEFAULT_POLICY : b.policy;
        this.proxies = b.proxies == null ? TrustedProxies.none() : b.proxies;
        this.mode = b.mode == null ? EnforcementMode.ENFORCE : b.mode;
        this.fallback = b.fallback == null ? ResilientLimiterBuilder.DEFAULT_FALLBACK : b.fallback;
        this.time = b.time == null ? TimeSource.system() : b.time;
        this.shared = Optional.ofNullable(b.shared);
        this.backendChoice = Optional.ofNullable(b.backend);
        if (b.backend == RateLimitBackend.REDIS && b.shared == null) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.UNKNOWN_BACKEND,
                    "RATE_LIMIT_BACKEND: redis without a shared backend (expected: set REDIS_URI, or use memory)");
        }
        this.sharedInUse = b.shared != null && b.backend != RateLimitBackend.MEMORY;
        if (sharedInUse) {
            this.limiter = RateLimiter.resilientBuilder(b.shared.limiter(policy))
                    .fallback(fallback)
                    .localShare(b.localShare == null ? ResilientLimiterBuilder.DEFAULT_LOCAL_SHARE : b.localShare)
                    .timeSource(time)
                    .build();
        } else {
            this.limiter = RateLimiter.localBuilder(policy).timeSource(time).build();
        }
        this.check = new RateLimitStartupCheck(this);
    }

    /** @return a builder: {@link #DEFAULT_POLICY}, fallback local, no shared backend, no trusted proxies, enforce */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the limiter: resilient over the shared backend, or local; never throws for valid input */
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

    /** @return whether the filters built from this object enforce or only observe */
    public EnforcementMode mode() {
        return mode;
    }

    /** @return the fallback mode used while the shared backend is unavailable */
    public FallbackMode fallback() {
        return fallback;
    }

    /** @return the shared backend the limiter and dedup stores use, if any (empty when memory was chosen) */
    public Optional<SharedBackend> shared() {
        return sharedInUse ? shared : Optional.empty();
    }

    /** @return the explicit {@code RATE_LIMIT_BACKEND} choice, if one was made */
    public Optional<RateLimitBackend> backendChoice() {
        return backendChoice;
    }

    /** @return the counters of the limiter */
    public RateLimitCounters counters() {
        return limiter.counters();
    }

    /** @return startup findings for the report (ids {@code HR-…}, listed on {@link RateLimitStartupCheck}) */
    public RateLimitStartupCheck startupCheck() {
        return check;
    }

    /**
     * Returns the dedup store of a namespace, creating it on first use: in the shared backend (with a
     * bounded local fallback) when one is in use, else a local store of
     * {@value DedupStore#DEFAULT_LOCAL_CAPACITY} ids. The startup check reports each store's bound.
     *
     * @param namespace key namespace such as {@code github}, 1 to 64 letters, digits, {@code . _ -}
     * @param ttl       how long ids are remembered, 1 s to 30 days
     * @return the store; the same instance for the same namespace
     * @throws IllegalArgumentException for a bad namespace or TTL, or a TTL other than the one the
     *     namespace was first created with
     * @throws IllegalStateException    beyond {@value #MAX_DEDUP_NAMESPACES} namespaces
     */
    public synchronized DedupStore dedupStore(String namespace, Duration ttl) {
        DedupIds.checkNamespace(namespace);
        DedupIds.checkTtl(ttl);
        DedupStore existing = dedupStores.get(namespace);
        if (existing != null) {
            if (!existing.ttl().equals(ttl)) {
                throw new IllegalArgumentException("ttl: " + ttl + " (expected: " + existing.ttl()
                        + ", the TTL namespace '" + namespace + "' was created with)");
            }
            return existing;
        }
        if (dedupStores.size() >= MAX_DEDUP_NAMESPACES) {
            throw new IllegalStateException("dedupStore: " + MAX_DEDUP_NAMESPACES
                    + " namespaces already (expected: a few fixed namespaces, not one per request)");
        }
        DedupStore store = shared().isPresent() ? shared.get().dedupStore(namespace, ttl)
                : DedupStore.local(ttl, DedupStore.DEFAULT_LOCAL_CAPACITY, time);
        dedupStores.put(namespace, store);
        return store;
    }

    /** @return the dedup stores handed out so far, by namespace, in creation order */
    synchronized List<Map.Entry<String, DedupStore>> dedupStores() {
        return new ArrayList<>(dedupStores.entrySet());
    }

    /** Closes the shared backend, if one was given. Idempotent. */
    @Override
    public void close() {
        shared.ifPresent(SharedBackend::close);
    }

    /**
     * Builder; each option may be set once ({@code "policy: already set"}), unset options take the
     * defaults named on each setter. Not thread-safe.
     */
    public static final class Builder {
        private RateLimitPolicy policy;
        private SharedBackend shared;
        private RateLimitBackend backend;
        private FallbackMode fallback;
        private TrustedProxies proxies;
        private Double localShare;
        private EnforcementMode mode;
        private TimeSource time;

        private Builder() {
        }

        /**
         * @param policy the limits per caller ({@code RATE_LIMIT}); default {@link #DEFAULT_POLICY}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder policy(RateLimitPolicy policy) {
            this.policy = Checks.setOnce(this.policy, policy, "policy");
            return this;
        }

        /**
         * @param backend the shared store ({@code REDIS_URI}), owned and closed by the built object;
         *                default none (in-memory)
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder shared(SharedBackend backend) {
            this.shared = Checks.setOnce(this.shared, backend, "shared");
            return this;
        }

        /**
         * @param backend an explicit choice ({@code RATE_LIMIT_BACKEND}); default: the shared backend
         *                when one is set, else memory
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder backend(RateLimitBackend backend) {
            this.backend = Checks.setOnce(this.backend, backend, "backend");
            return this;
        }

        /**
         * @param mode what decides while the shared backend is unavailable ({@code RATE_LIMIT_FALLBACK});
         *             default {@link FallbackMode#LOCAL}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder fallback(FallbackMode mode) {
            this.fallback = Checks.setOnce(this.fallback, mode, "fallback");
            return this;
        }

        /**
         * @param proxies proxies whose {@code X-Forwarded-For} is believed ({@code TRUSTED_PROXIES});
         *                default {@link TrustedProxies#none()}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Checks.setOnce(this.proxies, proxies, "trustedProxies");
            return this;
        }

        /**
         * @param share share of each limit the local fallback enforces, in (0, 1]; default
         *              {@value ResilientLimiterBuilder#DEFAULT_LOCAL_SHARE}
         * @return this
         * @throws IllegalArgumentException if outside (0, 1]
         * @throws IllegalStateException    if already set
         */
        public Builder localShare(double share) {
            this.localShare = Checks.setOnce(this.localShare, ResilientLimiterBuilder.checkShare(share), "localShare");
            return this;
        }

        /**
         * @param mode whether the filters built from the result enforce or only observe; default
         *             {@link EnforcementMode#ENFORCE}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder mode(EnforcementMode mode) {
            this.mode = Checks.setOnce(this.mode, mode, "mode");
            return this;
        }

        /**
         * @param timeSource time of the local buckets and dedup stores; default {@link TimeSource#system()}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Checks.setOnce(this.time, timeSource, "timeSource");
            return this;
        }

        /**
         * @return the wiring; the shared backend, if used, connects in the background
         * @throws RateLimitSpecException with {@code UNKNOWN_BACKEND} if the backend is {@code REDIS}
         *     but no shared backend is set
         */
        public RateLimiting build() {
            return new RateLimiting(this);
        }
    }
}
