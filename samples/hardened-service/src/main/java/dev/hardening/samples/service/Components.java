package dev.hardening.samples.service;

import dev.hardening.auth.CorsPolicy;
import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.DpopReplayCheck;
import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.auth.Introspection;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.redis.RedisBackend;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every component the service is made of, built from the typed settings before the report runs,
 * and closed exactly once (by the shutdown sequence, or by {@link HardenedService} when the boot is
 * refused). A setting that only wiring can judge (introspection without its client) becomes a FAIL
 * finding of the same report, beside every other problem.
 */
final class Components implements AutoCloseable {

    /** The report's id of the {@code OIDC_TOKEN_TYPE} policy line. */
    static final String TOKEN_TYPE_FINDING = "HH-T001";
    /** The report's id of the line on whether Redis answered at boot. */
    static final String REDIS_AT_BOOT_FINDING = "HH-R001";

    /** The audience the dev issuer mints for when {@code OIDC_AUDIENCE} is unset. */
    static final String DEV_AUDIENCE = "hardened-service";

    final AppEnvironment environment;
    final TokenVerifier verifier;
    final Optional<DevIssuer> devIssuer;
    final WebhookVerifier github;
    final CorsPolicy cors;
    final RateLimiting rateLimiting;
    private final Optional<RedisBackend> redis;
    final DedupStore deliveries;
    final MetricsRoute metrics;
    private final List<Finding> wiringFindings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Components(AppEnvironment environment, TokenVerifier verifier, Optional<DevIssuer> devIssuer,
                       WebhookVerifier github, CorsPolicy cors, RateLimiting rateLimiting, Optional<RedisBackend> redis,
                       DedupStore deliveries, MetricsRoute metrics, List<Finding> wiringFindings) {
        this.environment = environment;
        this.verifier = verifier;
        this.devIssuer = devIssuer;
        this.github = github;
        this.cors = cors;
        this.rateLimiting = rateLimiting;
        this.redis = redis;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.wiringFindings = List.copyOf(wiringFindings);
    }

    static Components build(BoundConfig<ServiceSettings> config) {
        return build(config.settings(), config.environment());
    }

    /**
     * @param s   the settings: bound, or as far as they bound when the boot is refused anyway
     *            ({@code ConfigException#partialSettings}), so that the report still lists the
     *            components' findings beside the configuration errors
     * @param env the environment resolved from {@code APP_ENV}
     * @return the components, not yet serving
     */
    static Components build(ServiceSettings s, AppEnvironment env) {
        List<Finding> problems = new ArrayList<>();
        MetricsRoute metrics = MetricsRoute.of(s);

        RateLimiting.Builder limits = RateLimiting.builder().policy(s.rateLimit()).fallback(s.rateLimitFallback());
        s.rateLimitBackend().ifPresent(limits::backend);
        Optional<RedisBackend> redis = s.redisUri().map(RedisBackend::connect);
        redis.ifPresent(limits::shared);
        s.trustedProxies().ifPresent(limits::trustedProxies);
        RateLimiting rateLimiting = limits.build();
        metrics.bind(rateLimiting);
        // Shared across replicas when REDIS_URI is set: a webhook delivery or a DPoP proof seen by
        // one replica is refused by every other.
        DedupStore deliveries = metrics.deliveries(rateLimiting.dedupStore("github", DedupStore.DEFAULT_TTL));
        DedupStore dpopProofs = rateLimiting.dedupStore("dpop", DpopPolicy.defaults().replayTtl());

        TokenVerifier.Builder tokens = TokenVerifier.builder().listener(metrics.jwksListener());
        ServiceSettings.Oidc oidc = s.oidc();
        String audience = oidc.audience().orElse(DEV_AUDIENCE);
        if (oidc.issuer().isPresent()) {
            String issuer = oidc.issuer().get().toString();
            IssuerPolicy.Builder policy = oidc.jwksUri().isPresent()
                    ? IssuerPolicy.jwksUri(issuer, oidc.jwksUri().get())
                    : IssuerPolicy.discovery(issuer);
            tokens.issuer(policy.audience(audience).profile(oidc.tokenType().profile()).build());
            problems.add(tokenTypeFinding(oidc.tokenType()));
        }
        introspection(oidc, audience, problems).ifPresent(tokens::introspection);
        tokens.dpop(DpopPolicy.builder().replayCheck(replayCheck(redis, dpopProofs)).build());
        Optional<DevIssuer> devIssuer = Optional.empty();
        if (!env.isProduction()) {
            DevIssuer dev = DevIssuer.create(DevSecretStore.forEnvironment(env, DevSecretStore.DEFAULT_DIRECTORY),
                    audience, TimeSource.system());
            tokens.issuer(dev.policy().build());
            devIssuer = Optional.of(dev);
        }
        if (oidc.issuer().isEmpty() && env.isProduction()) {
            // only with partial settings: OIDC_ISSUER is required in production and its HC-E001 line
            // refuses the start; a verifier that trusts no issuer lets every other component report
            tokens.allowNoIssuer();
        }
        TokenVerifier verifier = metrics.tokens(tokens.build());

        RotatingSecret webhookSecret = s.webhookSecret().orElse(RotatingSecret.none("WEBHOOK_SECRET"));
        WebhookVerifier github = metrics.github(
                GitHubWebhookVerifier.of("WEBHOOK_SECRET", webhookSecret::current, webhookSecret::previous));
        CorsPolicy cors = CorsPolicy.builder(env)
                .allowOrigins(s.cors().origins().toArray(new String[0]))
                .allowMethods(s.cors().methods().toArray(new String[0]))
                .allowHeaders(s.cors().headers().toArray(new String[0]))
                .build();
        return new Components(env, verifier, devIssuer, github, cors, rateLimiting, redis, deliveries, metrics,
                problems);
    }

    /**
     * The DPoP replay check. With Redis, it fails closed while Redis is disconnected: the shared
     * store would answer from this replica's memory alone, and a proof used here could then be
     * replayed on another replica (SAMPLE.md: a replay fails on every replica). The verifier turns
     * the exception into a 401 {@code invalid_dpop_proof}; Bearer tokens are unaffected.
     */
    private static DpopReplayCheck replayCheck(Optional<RedisBackend> redis, DedupStore proofs) {
        if (redis.isEmpty()) {
            return proofs::markIfFirst;
        }
        RedisBackend backend = redis.get();
        return id -> {
            if (!backend.isConnected()) {
                throw new IllegalStateException("DPoP replay store unavailable: Redis is not connected");
            }
            return proofs.markIfFirst(id);
        };
    }

    /**
     * Waits, at most {@code timeout}, for the Redis connection when {@code REDIS_URI} is set, so
     * that the first requests already share rate limits and DPoP proof ids across replicas.
     *
     * @param timeout the longest wait
     * @return true when there is no Redis or it is connected
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitRedis(Duration timeout) throws InterruptedException {
        return redis.isEmpty() || redis.get().awaitConnected(timeout);
    }

    /**
     * The report line on Redis at boot, when {@code REDIS_URI} is set: PASS when it answered, else WARN
     * saying what the service does until it does (a Redis down at boot is an operational condition,
     * not a configuration error: the service starts and connects by itself later).
     *
     * @param answered whether Redis answered within {@code waited} ({@link #awaitRedis})
     * @param waited   how long the boot waited for it
     * @param fallback {@code RATE_LIMIT_FALLBACK}
     * @return the finding, or empty without {@code REDIS_URI}
     */
    Optional<Finding> redisAtBoot(boolean answered, Duration waited, FallbackMode fallback) {
        return redis.map(r -> {
            String where = "Redis at " + String.join(",", r.hosts());
            if (answered) {
                return Finding.pass(REDIS_AT_BOOT_FINDING, "IV. Backing services", "REDIS_URI",
                        where + " answered at boot", "none");
            }
            return Finding.warn(REDIS_AT_BOOT_FINDING, "IV. Backing services", "REDIS_URI",
                    where + " did not answer within " + waited.toSeconds() + " s of boot: rate limits follow"
                            + " RATE_LIMIT_FALLBACK=" + fallback.name().toLowerCase(Locale.ROOT)
                            + " and DPoP-bound requests are refused until it answers",
                    "start Redis or correct REDIS_URI; the service connects by itself once Redis answers");
        });
    }

    private static Optional<Introspection> introspection(ServiceSettings.Oidc oidc, String audience, List<Finding> problems) {
        if (oidc.introspectionUri().isEmpty()) {
            return Optional.empty();
        }
        URI endpoint = oidc.introspectionUri().get();
        List<String> missing = new ArrayList<>();
        oidc.issuer().ifPresentOrElse(i -> { }, () -> missing.add("OIDC_ISSUER"));
        oidc.clientId().ifPresentOrElse(i -> { }, () -> missing.add("OIDC_CLIENT_ID"));
        oidc.clientSecret().ifPresentOrElse(i -> { }, () -> missing.add("OIDC_CLIENT_SECRET"));
        if (!missing.isEmpty()) {
            for (String variable : missing) {
                problems.add(Finding.fail(ProblemCode.MISSING.id(), "III. Config", variable,
                        "required when OIDC_INTROSPECTION_URI is set",
                        "set " + variable + (variable.equals("OIDC_CLIENT_SECRET") ? " or OIDC_CLIENT_SECRET_FILE" : "")));
            }
            return Optional.empty();
        }
        return Optional.of(Introspection.builder(endpoint, oidc.issuer().get().toString())
                .client(oidc.clientId().get(), oidc.clientSecret().get())
                .audience(audience)
                .build());
    }

    /** SAMPLE.md: the report shows the {@code OIDC_TOKEN_TYPE} policy in force. */
    private static Finding tokenTypeFinding(TokenTypeSetting type) {
        String detail = type.profile() == TokenProfile.RFC9068_ACCESS_TOKEN
                ? "at+jwt: only RFC 9068 access tokens (typ at+jwt) are accepted"
                : "any: typ absent, JWT or at+jwt accepted (an ID token for this audience passes as an access token)";
        String fix = type.profile() == TokenProfile.RFC9068_ACCESS_TOKEN
                ? "" : "set OIDC_TOKEN_TYPE=at+jwt once the identity provider issues RFC 9068 access tokens";
        return Finding.pass(TOKEN_TYPE_FINDING, "Auth: token type", "OIDC_TOKEN_TYPE", detail, fix);
    }

    /** @return every component's own startup check, and the wiring problems, in report order */
    List<StartupCheck> checks() {
        List<StartupCheck> checks = new ArrayList<>();
        checks.add(e -> wiringFindings);
        checks.add(verifier);
        checks.add(github);
        checks.add(cors);
        checks.add(rateLimiting.startupCheck());
        return checks;
    }

    /** Closes the verifier (JWKS refreshes) and the rate limiting (Redis); the second call does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            verifier.close();
            rateLimiting.close();
        }
    }
}
