package dev.hardening.samples.service;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.DefaultValue;
import dev.hardening.config.DevDefault;
import dev.hardening.config.DurationRange;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.Range;
import dev.hardening.config.RequiredInProduction;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitBackend;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.TrustedProxies;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the reference service, declared once (SAMPLE.md is the contract). This is the
 * only class of the service that reads the environment; an ArchUnit test holds it to that.
 *
 * @param appEnv            {@code APP_ENV}: production unless {@code dev} or {@code test}
 * @param port              {@code PORT}: 0 picks a free port
 * @param bindAddress       {@code BIND_ADDRESS}
 * @param allowDevOnNetwork {@code ALLOW_DEV_ON_NETWORK}: lets dev mode bind a non-loopback address
 * @param secretKey         {@code SECRET_KEY} / {@code SECRET_KEY_FILE}: required in production,
 *                          generated once and kept in dev
 * @param oidc              {@code OIDC_*}: the identity provider
 * @param webhookSecret     {@code WEBHOOK_SECRET} / {@code WEBHOOK_SECRET_FILE}, with
 *                          {@code WEBHOOK_SECRET_PREVIOUS(_FILE)} still accepted during a rotation;
 *                          a {@code _FILE} value is re-read when the file changes; unset makes the
 *                          webhook answer 503
 * @param cors              {@code CORS_*}
 * @param redisUri          {@code REDIS_URI}: unset means the in-memory limiter
 * @param rateLimit         {@code RATE_LIMIT}: per caller on {@code /api/**}
 * @param rateLimitFallback {@code RATE_LIMIT_FALLBACK}: local, open or closed
 * @param rateLimitBackend  {@code RATE_LIMIT_BACKEND}: redis or memory; unset chooses by REDIS_URI
 * @param trustedProxies    {@code TRUSTED_PROXIES}: CIDRs whose X-Forwarded-For is believed
 * @param shutdownDelay     {@code SHUTDOWN_DELAY}: readiness 503 to listeners closing (0s dev, 5s production)
 * @param drainTimeout      {@code DRAIN_TIMEOUT}: how long in-flight work may finish after that
 * @param metrics           {@code METRICS}: {@code on} serves {@code GET /metrics}, {@code off} removes the route
 */
public record ServiceSettings(
        AppEnvironment appEnv,
        @DefaultValue("8080") @Range(min = 0, max = 65535) int port,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("false") boolean allowDevOnNetwork,
        @SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secretKey,
        Oidc oidc,
        @SecretSetting(purpose = SecretPurpose.TOKEN) Optional<RotatingSecret> webhookSecret,
        Cors cors,
        Optional<String> redisUri,
        @DefaultValue("100/1m") RateLimitPolicy rateLimit,
        @DefaultValue("local") FallbackMode rateLimitFallback,
        Optional<RateLimitBackend> rateLimitBackend,
        Optional<TrustedProxies> trustedProxies,
        @DevDefault("0s") @DefaultValue("5s") @DurationRange(max = "5m") Duration shutdownDelay,
        @DefaultValue("20s") @DurationRange(max = "10m") Duration drainTimeout,
        @DefaultValue("on") boolean metrics) {

    /**
     * The identity provider.
     *
     * @param issuer   {@code OIDC_ISSUER}: discovery at {@code {issuer}/.well-known/openid-configuration}
     * @param jwksUri  {@code OIDC_JWKS_URI}: skips discovery
     * @param audience {@code OIDC_AUDIENCE}
     * @param tokenType {@code OIDC_TOKEN_TYPE}: {@code any} or {@code at+jwt} (RFC 9068 access tokens only)
     * @param introspectionUri {@code OIDC_INTROSPECTION_URI}: opaque tokens checked by RFC 7662 introspection
     * @param clientId {@code OIDC_CLIENT_ID}: the client authenticating to the introspection endpoint
     * @param clientSecret {@code OIDC_CLIENT_SECRET} / {@code OIDC_CLIENT_SECRET_FILE}
     */
    public record Oidc(
            @RequiredInProduction Optional<URI> issuer,
            Optional<URI> jwksUri,
            @RequiredInProduction Optional<String> audience,
            @DefaultValue("any") TokenTypeSetting tokenType,
            Optional<URI> introspectionUri,
            Optional<String> clientId,
            @SecretSetting(purpose = SecretPurpose.PASSWORD) Optional<Secret> clientSecret) {
    }

    /**
     * Cross-origin access; exact origins only.
     *
     * @param origins {@code CORS_ORIGINS}
     * @param methods {@code CORS_METHODS}
     * @param headers {@code CORS_HEADERS}
     */
    public record Cors(
            @DefaultValue("") List<String> origins,
            @DefaultValue("GET,POST") List<String> methods,
            @DefaultValue("Authorization,Content-Type") List<String> headers) {
    }

    /**
     * Reads and validates the settings from this process's environment and system properties.
     *
     * @return the bound settings and their findings
     * @throws dev.hardening.config.ConfigException listing every problem
     */
    public static BoundConfig<ServiceSettings> load() {
        return HardeningConfig.fromSystem().bind(ServiceSettings.class);
    }
}
