package dev.hardening.samples.grpc;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.DefaultValue;
import dev.hardening.config.DevDefault;
import dev.hardening.config.DurationRange;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.Range;
import dev.hardening.config.RequiredInProduction;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitBackend;
import dev.hardening.ratelimit.RateLimitPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting of the gRPC sample, declared once (SAMPLE-GRPC.md is the contract; the names shared
 * with SAMPLE.md mean the same). The only class of the service that reads the environment.
 *
 * @param appEnv            {@code APP_ENV}: production unless {@code dev} or {@code test}
 * @param grpcPort          {@code GRPC_PORT}: 0 picks a free port
 * @param bindAddress       {@code BIND_ADDRESS}
 * @param allowDevOnNetwork {@code ALLOW_DEV_ON_NETWORK}: lets dev mode bind a non-loopback address
 * @param secretKey         {@code SECRET_KEY} / {@code SECRET_KEY_FILE}: required in production
 * @param oidc              {@code OIDC_*}: the identity provider
 * @param grpcTlsCertFile   {@code GRPC_TLS_CERT_FILE}: PEM certificate chain; with the key, serve TLS
 * @param grpcTlsKeyFile    {@code GRPC_TLS_KEY_FILE}: PEM PKCS#8 private key
 * @param redisUri          {@code REDIS_URI}: shared limiter and job lease; unset means per process
 * @param rateLimit         {@code RATE_LIMIT}: per caller on {@code TaskHub} calls
 * @param rateLimitFallback {@code RATE_LIMIT_FALLBACK}: local, open or closed
 * @param rateLimitBackend  {@code RATE_LIMIT_BACKEND}: redis or memory; unset chooses by REDIS_URI
 * @param cleanupInterval   {@code CLEANUP_INTERVAL}: the {@code mirror-cleanup} job's interval; 0s turns it off
 * @param shutdownDelay     {@code SHUTDOWN_DELAY}: NOT_SERVING to listeners closing (0s dev, 5s production)
 * @param drainTimeout      {@code DRAIN_TIMEOUT}: how long in-flight calls may finish after that
 */
public record GrpcSettings(
        AppEnvironment appEnv,
        @DefaultValue("9090") @Range(min = 0, max = 65535) int grpcPort,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("false") boolean allowDevOnNetwork,
        @SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secretKey,
        Oidc oidc,
        Optional<Path> grpcTlsCertFile,
        Optional<Path> grpcTlsKeyFile,
        Optional<String> redisUri,
        @DefaultValue("100/1m") RateLimitPolicy rateLimit,
        @DefaultValue("local") FallbackMode rateLimitFallback,
        Optional<RateLimitBackend> rateLimitBackend,
        @DefaultValue("5m") @DurationRange(max = "24h") Duration cleanupInterval,
        @DevDefault("0s") @DefaultValue("5s") @DurationRange(max = "5m") Duration shutdownDelay,
        @DefaultValue("20s") @DurationRange(max = "10m") Duration drainTimeout) {

    /**
     * The identity provider.
     *
     * @param issuer   {@code OIDC_ISSUER}: discovery at {@code {issuer}/.well-known/openid-configuration}
     * @param jwksUri  {@code OIDC_JWKS_URI}: skips discovery
     * @param audience {@code OIDC_AUDIENCE}
     */
    public record Oidc(
            @RequiredInProduction Optional<URI> issuer,
            Optional<URI> jwksUri,
            @RequiredInProduction Optional<String> audience) {
    }

    /**
     * Reads and validates the settings from this process's environment and system properties.
     *
     * @return the bound settings and their findings
     * @throws dev.hardening.config.ConfigException listing every problem
     */
    public static BoundConfig<GrpcSettings> load() {
        return HardeningConfig.fromSystem().bind(GrpcSettings.class);
    }
}
