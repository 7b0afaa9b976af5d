package dev.hardening.ratelimit;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The startup findings of a {@link RateLimiting} for the {@code hardening-config} report:
 * <ul>
 *   <li>{@code HR-B001} backend: in-memory in production FAILs unless chosen explicitly
 *       ({@link RateLimitBackend#MEMORY}, then WARN) — it does not hold across replicas;</li>
 *   <li>{@code HR-F001} fallback: {@code open} WARNs (fail-open), {@code local}/{@code closed} PASS;</li>
 *   <li>{@code HR-K001} bounded keys: shared keys expire once their bucket is full again; local buckets
 *       are bounded to {@value LocalLimiterBuilder#DEFAULT_MAX_KEYS} keys;</li>
 *   <li>the shared backend's own findings (for Redis: {@code HR-R001} command timeout above 100 ms
 *       WARNs, {@code HR-R002} plain-text Redis over the network in production WARNs);</li>
 *   <li>{@code HR-P001} trusted proxies covering every address FAIL (anyone can choose their key);</li>
 *   <li>{@code HR-M001} the filters' mode: shadow mode in production WARNs;</li>
 *   <li>{@code HR-D001} one per dedup store handed out: how many ids it holds for how long; an
 *       in-memory store in production WARNs (a redelivery to another replica, or after a restart, is
 *       processed again).</li>
 * </ul>
 * Findings name settings, never their values' secrets. Obtain it from {@link RateLimiting#startupCheck()}.
 * Thread-safe.
 */
public final class RateLimitStartupCheck implements StartupCheck {

    private final RateLimiting rl;

    RateLimitStartupCheck(RateLimiting rateLimiting) {
        this.rl = rateLimiting;
    }

    @Override
    public List<Finding> findings(AppEnvironment env) {
        List<Finding> out = new ArrayList<>();
        boolean prod = env.isProduction();
        RateLimitPolicy policy = rl.policy();
        boolean memoryChosen = rl.backendChoice().filter(b -> b == RateLimitBackend.MEMORY).isPresent();
        if (rl.shared().isPresent()) {
            SharedBackend shared = rl.shared().get();
            out.add(Finding.pass("HR-B001", "12-factor VI: processes", "RATE_LIMIT_BACKEND",
                    "rate limit " + policy + " shared in " + shared.description(), "none"));
            if (rl.fallback() == FallbackMode.OPEN) {
                out.add(Finding.warn("HR-F001", "fail closed", "RATE_LIMIT_FALLBACK",
                        "fallback 'open': while Redis is down every request is allowed, unlimited",
                        "use RATE_LIMIT_FALLBACK=local (bounded local limiter) or closed"));
            } else {
                out.add(Finding.pass("HR-F001", "fail closed", "RATE_LIMIT_FALLBACK",
                        "fallback '" + rl.fallback().name().toLowerCase(Locale.ROOT) + "' while Redis is down",
                        "none"));
            }
            out.add(Finding.pass("HR-K001", "bounded everything", "REDIS_URI",
                    "limiter keys expire once their bucket is full again; the local fallback holds at most "
                            + LocalLimiterBuilder.DEFAULT_MAX_KEYS + " keys", "none"));
            out.addAll(shared.findings(env));
        } else {
            if (memoryChosen) {
                out.add(Finding.warn("HR-B001", "12-factor VI: processes", "RATE_LIMIT_BACKEND",
                        "in-memory rate limiter chosen: each replica enforces " + policy + " on its own",
                        "set REDIS_URI so the limit holds across replicas"));
            } else if (prod) {
                out.add(Finding.fail("HR-B001", "12-factor VI: processes", "REDIS_URI",
                        "no REDIS_URI: the in-memory rate limiter does not hold across replicas and is lost on restart",
                        "set REDIS_URI, or RATE_LIMIT_BACKEND=memory to accept a per-replica limit"));
            } else {
                out.add(Finding.warn("HR-B001", "12-factor VI: processes", "REDIS_URI",
                        "no REDIS_URI: in-memory rate limiter (acceptable outside production)",
                        "set REDIS_URI before production"));
            }
            out.add(Finding.pass("HR-K001", "bounded everything", "RATE_LIMIT",
                    "in-memory buckets bounded to " + LocalLimiterBuilder.DEFAULT_MAX_KEYS
                            + " keys, dropped once refilled; limited callers are never evicted", "none"));
        }
        TrustedProxies proxies = rl.trustedProxies();
        if (proxies.trustsEveryone()) {
            out.add(Finding.fail("HR-P001", "trust boundaries", "TRUSTED_PROXIES",
                    "a trusted range covers every address: any client can set X-Forwarded-For and pick its own key",
                    "list only your load balancers' CIDRs"));
        } else {
            out.add(Finding.pass("HR-P001", "trust boundaries", "TRUSTED_PROXIES",
                    proxies.isEmpty() ? "X-Forwarded-For ignored (no trusted proxies)"
                            : "X-Forwarded-For believed only from configured proxies", "none"));
        }
        if (rl.mode() == EnforcementMode.SHADOW) {
            out.add(prod
                    ? Finding.warn("HR-M001", "fail closed", "RATE_LIMIT", "rate limiting in shadow mode: nothing is denied",
                            "switch to enforce once the shadow counters look right")
                    : Finding.pass("HR-M001", "fail closed", "RATE_LIMIT", "shadow mode outside production", "none"));
        } else {
            out.add(Finding.pass("HR-M001", "fail closed", "RATE_LIMIT", "rate limits enforced", "none"));
        }
        for (Map.Entry<String, DedupStore> e : rl.dedupStores()) {
            out.add(dedupFinding(e.getKey(), e.getValue(), prod));
        }
        return out;
    }

    private Finding dedupFinding(String namespace, DedupStore store, boolean prod) {
        String subject = "dedup store '" + namespace + "'";
        if (rl.shared().isPresent()) {
            return Finding.pass("HR-D001", "bounded everything", subject,
                    "ids kept " + store.ttl() + " in " + rl.shared().get().description()
                            + "; while it is down, this process remembers at most " + store.localCapacity() + " ids",
                    "none");
        }
        String detail = "in-memory: remembers at most " + store.localCapacity() + " ids for " + store.ttl()
                + ", in this process only; a redelivery to another replica or after a restart is processed again";
        return prod
                ? Finding.warn("HR-D001", "12-factor VI: processes", subject, detail,
                        "set REDIS_URI so delivery ids are shared and survive restarts")
                : Finding.pass("HR-D001", "12-factor VI: processes", subject, detail, "none");
    }
}
