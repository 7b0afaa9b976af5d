package dev.hardening.ratelimit;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rate limiter's startup findings for the {@code hardening-config} report:
 * <ul>
 *   <li>{@code RL-001} backend: in-memory in production FAILs unless chosen explicitly
 *       ({@code RATE_LIMIT_BACKEND=memory}, then WARN) — it does not hold across replicas;</li>
 *   <li>{@code RL-002} fallback: {@code open} WARNs (fail-open), {@code local}/{@code closed} PASS;</li>
 *   <li>{@code RL-003} key expiry: Redis keys always carry a TTL (PASS); the dedup TTL is reported;</li>
 *   <li>{@code RL-004} Redis command timeout above 100 ms WARNs;</li>
 *   <li>{@code RL-005} trusted proxies covering every address FAIL (anyone can choose their key);</li>
 *   <li>{@code RL-006} plain-text Redis to a non-loopback host in production WARNs;</li>
 *   <li>{@code RL-007} shadow mode in production WARNs.</li>
 * </ul>
 * Findings name settings, never their values' secrets. Immutable and thread-safe.
 */
public final class RateLimitStartupCheck implements StartupCheck {

    private final Optional<RedisBackend> redis;
    private final boolean memoryChosen;
    private final FallbackMode fallback;
    private final TrustedProxies proxies;
    private final EnforcementMode mode;
    private final RateLimitPolicy policy;

    /**
     * @param policy       the enforced policy
     * @param redis        the Redis backend, empty for in-memory
     * @param memoryChosen whether in-memory was chosen explicitly ({@code RATE_LIMIT_BACKEND=memory})
     * @param fallback     the fallback mode
     * @param proxies      the trusted proxies
     * @param mode         enforcement mode of the HTTP adapter
     */
    public RateLimitStartupCheck(RateLimitPolicy policy, Optional<RedisBackend> redis, boolean memoryChosen,
                                 FallbackMode fallback, TrustedProxies proxies, EnforcementMode mode) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.memoryChosen = memoryChosen;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public List<Finding> findings(AppEnvironment env) {
        List<Finding> out = new ArrayList<>();
        boolean prod = env.isProduction();
        if (redis.isPresent()) {
            out.add(Finding.pass("RL-001", "12-factor VI: processes", "RATE_LIMIT_BACKEND",
                    "rate limit " + policy + " shared in Redis (" + redis.get().topology() + ")", "none"));
        } else if (memoryChosen) {
            out.add(Finding.warn("RL-001", "12-factor VI: processes", "RATE_LIMIT_BACKEND",
                    "in-memory rate limiter chosen: each replica enforces " + policy + " on its own",
                    "set REDIS_URI so the limit holds across replicas"));
        } else if (prod) {
            out.add(Finding.fail("RL-001", "12-factor VI: processes", "REDIS_URI",
                    "no REDIS_URI: the in-memory rate limiter does not hold across replicas and is lost on restart",
                    "set REDIS_URI, or RATE_LIMIT_BACKEND=memory to accept a per-replica limit"));
        } else {
            out.add(Finding.warn("RL-001", "12-factor VI: processes", "REDIS_URI",
                    "no REDIS_URI: in-memory rate limiter (acceptable outside production)",
                    "set REDIS_URI before production"));
        }
        if (redis.isPresent()) {
            if (fallback == FallbackMode.OPEN) {
                out.add(Finding.warn("RL-002", "fail closed", "RATE_LIMIT_FALLBACK",
                        "fallback 'open': while Redis is down every request is allowed, unlimited",
                        "use RATE_LIMIT_FALLBACK=local (bounded local limiter) or closed"));
            } else {
                out.add(Finding.pass("RL-002", "fail closed", "RATE_LIMIT_FALLBACK",
                        "fallback '" + fallback.name().toLowerCase(java.util.Locale.ROOT) + "' while Redis is down",
                        "none"));
            }
            out.add(Finding.pass("RL-003", "bounded everything", "REDIS_URI",
                    "limiter keys expire once their bucket is full again; dedup ids carry a TTL", "none"));
            long timeoutMs = redis.get().commandTimeout().toMillis();
            if (timeoutMs > RedisBackend.DEFAULT_COMMAND_TIMEOUT_MILLIS) {
                out.add(Finding.warn("RL-004", "every network call has a timeout", "REDIS_URI",
                        "Redis command timeout " + timeoutMs + " ms: a slow Redis delays every request that long",
                        "keep the command timeout at or below 100 ms"));
            } else {
                out.add(Finding.pass("RL-004", "every network call has a timeout", "REDIS_URI",
                        "Redis command timeout " + timeoutMs + " ms, commands rejected while disconnected", "none"));
            }
            boolean loopback = redis.get().hosts().stream()
                    .allMatch(h -> h.startsWith("127.") || h.startsWith("localhost:") || h.startsWith("[::1]")
                            || h.startsWith("::1:"));
            if (prod && !redis.get().isTls() && !loopback) {
                out.add(Finding.warn("RL-006", "12-factor IV: backing services", "REDIS_URI",
                        "Redis reached without TLS over the network", "use rediss:// in production"));
            }
        } else {
            out.add(Finding.pass("RL-003", "bounded everything", "RATE_LIMIT",
                    "in-memory buckets bounded to " + LocalRateLimiter.DEFAULT_MAX_KEYS
                            + " keys and dropped when idle", "none"));
        }
        if (proxies.trustsEveryone()) {
            out.add(Finding.fail("RL-005", "trust boundaries", "TRUSTED_PROXIES",
                    "a trusted range covers every address: any client can set X-Forwarded-For and pick its own key",
                    "list only your load balancers' CIDRs"));
        } else {
            out.add(Finding.pass("RL-005", "trust boundaries", "TRUSTED_PROXIES",
                    proxies.isEmpty() ? "X-Forwarded-For ignored (no trusted proxies)"
                            : "X-Forwarded-For believed only from configured proxies", "none"));
        }
        if (mode == EnforcementMode.SHADOW) {
            out.add(prod
                    ? Finding.warn("RL-007", "fail closed", "RATE_LIMIT", "rate limiting in shadow mode: nothing is denied",
                            "switch to enforce once the shadow counters look right")
                    : Finding.pass("RL-007", "fail closed", "RATE_LIMIT", "shadow mode outside production", "none"));
        }
        return out;
    }
}
