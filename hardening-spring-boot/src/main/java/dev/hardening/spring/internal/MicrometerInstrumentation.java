package dev.hardening.spring.internal;

import dev.hardening.auth.JwksListener;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.StartupReport;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.micrometer.AuthMetrics;
import dev.hardening.micrometer.ConfigMetrics;
import dev.hardening.micrometer.LifecycleMetrics;
import dev.hardening.micrometer.RateLimitMetrics;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Binds hardening-micrometer's meters to the application's {@link MeterRegistry} for each component
 * the starter builds: the verifier (verifications, rejections by reason, JWKS state of every
 * issuer, JWKS events), the webhook verifier and its dedup store, the rate limiter (decisions,
 * breaker, Redis latency, fallback), the Boot drain (phases, outcomes, cut work, watchdog) and the
 * startup report (findings by status). Tag values are those of hardening-micrometer: bounded.
 * Thread-safe.
 */
public final class MicrometerInstrumentation implements StarterInstrumentation {

    private final MeterRegistry registry;
    private final JwksListener jwks;
    private final ShutdownListener shutdown;

    /** @param registry the application's registry */
    public MicrometerInstrumentation(MeterRegistry registry) {
        this.registry = registry;
        this.jwks = AuthMetrics.jwksListener(registry);
        this.shutdown = LifecycleMetrics.shutdownListener(registry);
    }

    @Override
    public List<JwksListener> jwksListeners() {
        return List.of(jwks);
    }

    @Override
    public TokenVerifier verifier(TokenVerifier verifier) {
        return AuthMetrics.instrument(verifier, registry);
    }

    @Override
    public WebhookVerifier webhook(WebhookVerifier verifier, String name) {
        return AuthMetrics.instrument(verifier, name, registry);
    }

    @Override
    public DedupStore dedup(DedupStore store, String name) {
        return RateLimitMetrics.instrument(store, name, registry);
    }

    @Override
    public void rateLimiting(RateLimiting rateLimiting, String name) {
        RateLimitMetrics.bind(rateLimiting, name, registry);
    }

    @Override
    public List<ShutdownListener> shutdownListeners() {
        return List.of(shutdown);
    }

    @Override
    public void startupReport(StartupReport report) {
        ConfigMetrics.bind(report, registry);
    }
}
