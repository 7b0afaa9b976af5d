package dev.hardening.spring.internal;

import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.TokenCache;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
    private final WarmUpGate gate;
    private final JwksListener jwks;
    private final ShutdownListener shutdown;

    /** @param registry the application's registry */
    public MicrometerInstrumentation(MeterRegistry registry) {
        this(registry, new WarmUpGate());
    }

    /**
     * @param registry the application's registry
     * @param gate     while it is open (the warm-up request), token verifications are not counted
     */
    public MicrometerInstrumentation(MeterRegistry registry, WarmUpGate gate) {
        this.registry = registry;
        this.gate = gate;
        this.jwks = AuthMetrics.jwksListener(registry);
        this.shutdown = LifecycleMetrics.shutdownListener(registry);
    }

    @Override
    public List<JwksListener> jwksListeners() {
        return List.of(jwks);
    }

    @Override
    public TokenVerifier verifier(TokenVerifier verifier) {
        return new UncountedWhileWarming(verifier, AuthMetrics.instrument(verifier, registry), gate);
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

    /** The metered verifier, except during the warm-up request, which the bare verifier handles. */
    private static final class UncountedWhileWarming implements TokenVerifier {
        private final TokenVerifier bare;
        private final TokenVerifier metered;
        private final WarmUpGate gate;

        UncountedWhileWarming(TokenVerifier bare, TokenVerifier metered, WarmUpGate gate) {
            this.bare = bare;
            this.metered = metered;
            this.gate = gate;
        }

        private TokenVerifier current() {
            return gate.warming() ? bare : metered;
        }

        @Override
        public VerifiedToken verify(CharSequence token) {
            return current().verify(token);
        }

        @Override
        public VerifiedToken verify(TokenRequest request) {
            return current().verify(request);
        }

        @Override
        public DpopPolicy dpop() {
            return metered.dpop();
        }

        @Override
        public VerifiedToken verifyIdToken(CharSequence token, String expectedNonce) {
            return current().verifyIdToken(token, expectedNonce);
        }

        @Override
        public List<JwksStatus> status() {
            return metered.status();
        }

        @Override
        public Optional<TokenCache.Stats> cacheStats() {
            return metered.cacheStats();
        }

        @Override
        public CompletableFuture<Void> warmUp() {
            return metered.warmUp();
        }

        @Override
        public List<Finding> findings(AppEnvironment environment) {
            return metered.findings(environment);
        }

        @Override
        public void close() {
            metered.close();
        }
    }
}
