package dev.hardening.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code hardening.*} property of the starter. Each has a safe default, so a service that
 * sets none of them is still checked; what each property does is documented on its getter (and
 * in the IDE, through the generated configuration metadata).
 *
 * <p>A mutable JavaBean bound by Spring Boot once at startup; not thread-safe while binding, read
 * only afterwards.
 */
@ConfigurationProperties(prefix = "hardening")
public final class HardeningProperties {

    private String environment;
    private boolean allowDevOnNetwork;
    private final Auth auth = new Auth();
    private final RateLimit rateLimit = new RateLimit();
    private final Webhooks webhooks = new Webhooks();
    private final Lifecycle lifecycle = new Lifecycle();
    private final DeployCheck deployCheck = new DeployCheck();
    private final Metrics metrics = new Metrics();

    /** Creates the defaults. */
    public HardeningProperties() {
    }

    /**
     * @return {@code dev} or {@code test} to relax the production checks; anything else, or unset
     *     (then {@code APP_ENV} decides), means production
     */
    public String getEnvironment() {
        return environment;
    }

    /** @param environment see {@link #getEnvironment()} */
    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    /** @return whether dev mode may listen on a non-loopback address (default false: a FAIL) */
    public boolean isAllowDevOnNetwork() {
        return allowDevOnNetwork;
    }

    /** @param allowDevOnNetwork see {@link #isAllowDevOnNetwork()} */
    public void setAllowDevOnNetwork(boolean allowDevOnNetwork) {
        this.allowDevOnNetwork = allowDevOnNetwork;
    }

    /** @return the token verification settings */
    public Auth getAuth() {
        return auth;
    }

    /** @return the rate limit settings */
    public RateLimit getRateLimit() {
        return rateLimit;
    }

    /** @return the webhook settings */
    public Webhooks getWebhooks() {
        return webhooks;
    }

    /** @return the shutdown settings */
    public Lifecycle getLifecycle() {
        return lifecycle;
    }

    /** @return the deploy check settings */
    public DeployCheck getDeployCheck() {
        return deployCheck;
    }

    /** @return the Micrometer settings */
    public Metrics getMetrics() {
        return metrics;
    }

    /** {@code hardening.auth.*}: the issuers whose access tokens are accepted. Not thread-safe while binding. */
    public static final class Auth {
        private boolean enabled = true;
        private final List<Issuer> issuers = new ArrayList<>();
        private final Dpop dpop = new Dpop();

        /** Creates the defaults. */
        public Auth() {
        }

        /** @return whether the starter provides the {@code JwtDecoder} (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * @return the trusted issuers; when empty, Spring's
         *     {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} and
         *     {@code audiences} describe the one issuer
         */
        public List<Issuer> getIssuers() {
            return issuers;
        }

        /** @return how DPoP-bound tokens (RFC 9449) are accepted */
        public Dpop getDpop() {
            return dpop;
        }
    }

    /** {@code hardening.auth.dpop.*}: DPoP-bound tokens (RFC 9449). Not thread-safe while binding. */
    public static final class Dpop {
        private boolean enabled = true;
        private String replayStore = "auto";
        private String trustedProxies;

        /** Creates the defaults. */
        public Dpop() {
        }

        /**
         * @return whether {@code Authorization: DPoP} requests are verified by the starter's filter
         *     (default true); when false they reach Spring Security's own DPoP support
         */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * @return where proof ids ({@code jti}) are remembered: {@code auto} (default: Redis when the
         *     rate limiter uses Redis, so a replay fails on every replica; else this process) or
         *     {@code memory}
         */
        public String getReplayStore() {
            return replayStore;
        }

        /** @param replayStore see {@link #getReplayStore()} */
        public void setReplayStore(String replayStore) {
            this.replayStore = replayStore;
        }

        /**
         * @return comma-separated CIDRs whose {@code X-Forwarded-Proto} / {@code X-Forwarded-Host}
         *     decide the URL a proof's {@code htu} must name (default: {@code hardening.rate-limit.trusted-proxies})
         */
        public String getTrustedProxies() {
            return trustedProxies;
        }

        /** @param trustedProxies see {@link #getTrustedProxies()} */
        public void setTrustedProxies(String trustedProxies) {
            this.trustedProxies = trustedProxies;
        }
    }

    /** One trusted issuer. Not thread-safe while binding. */
    public static final class Issuer {
        private String issuerUri;
        private String jwkSetUri;
        private List<String> audiences = new ArrayList<>();
        private String tokenType = "any";
        private final IssuerIntrospection introspection = new IssuerIntrospection();

        /** Creates an empty issuer. */
        public Issuer() {
        }

        /** @return the exact {@code iss} value; discovery at {@code {issuer}/.well-known/openid-configuration} */
        public String getIssuerUri() {
            return issuerUri;
        }

        /** @param issuerUri see {@link #getIssuerUri()} */
        public void setIssuerUri(String issuerUri) {
            this.issuerUri = issuerUri;
        }

        /** @return the JWKS URL; when set, discovery is skipped */
        public String getJwkSetUri() {
            return jwkSetUri;
        }

        /** @param jwkSetUri see {@link #getJwkSetUri()} */
        public void setJwkSetUri(String jwkSetUri) {
            this.jwkSetUri = jwkSetUri;
        }

        /** @return the accepted audiences; at least one is required */
        public List<String> getAudiences() {
            return audiences;
        }

        /** @param audiences see {@link #getAudiences()} */
        public void setAudiences(List<String> audiences) {
            this.audiences = audiences;
        }

        /** @return {@code any} (default: {@code typ} absent, {@code JWT} or {@code at+jwt}) or {@code at+jwt} (RFC 9068 only) */
        public String getTokenType() {
            return tokenType;
        }

        /** @param tokenType see {@link #getTokenType()} */
        public void setTokenType(String tokenType) {
            this.tokenType = tokenType;
        }

        /** @return RFC 7662 introspection of this issuer's opaque tokens (off unless {@code uri} is set) */
        public IssuerIntrospection getIntrospection() {
            return introspection;
        }
    }

    /**
     * {@code hardening.auth.issuers[n].introspection.*}: opaque tokens (anything that is not three
     * base64url segments) checked at the issuer's RFC 7662 endpoint with HTTP Basic client
     * authentication; answers cached by a hash of the token for at most 60 s. At most one issuer
     * may set it. Not thread-safe while binding.
     */
    public static final class IssuerIntrospection {
        private String uri;
        private String clientId;
        private String clientSecret;
        private String clientSecretVariable;

        /** Creates the defaults (off). */
        public IssuerIntrospection() {
        }

        /** @return the introspection endpoint, https (plain http is a finding like an http issuer); unset: opaque tokens are rejected */
        public String getUri() {
            return uri;
        }

        /** @param uri see {@link #getUri()} */
        public void setUri(String uri) {
            this.uri = uri;
        }

        /** @return the client id the endpoint authenticates (no {@code :}) */
        public String getClientId() {
            return clientId;
        }

        /** @param clientId see {@link #getClientId()} */
        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        /** @return the client secret; never logged or reported */
        public String getClientSecret() {
            return clientSecret;
        }

        /** @param clientSecret see {@link #getClientSecret()} */
        public void setClientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
        }

        /**
         * @return the environment variable holding the client secret, read as hardening-config reads
         *     secrets when {@link #getClientSecret()} is empty: {@code NAME}, or {@code NAME_FILE} naming
         *     a file that holds it (such as {@code OIDC_CLIENT_SECRET} / {@code OIDC_CLIENT_SECRET_FILE}),
         *     judged by the secret policy as a password; upper case ending in {@code SECRET}. Read once
         *     at startup (the introspection client takes one secret)
         */
        public String getClientSecretVariable() {
            return clientSecretVariable;
        }

        /** @param clientSecretVariable see {@link #getClientSecretVariable()} */
        public void setClientSecretVariable(String clientSecretVariable) {
            this.clientSecretVariable = clientSecretVariable;
        }
    }

    /** {@code hardening.rate-limit.*}. Not thread-safe while binding. */
    public static final class RateLimit {
        private boolean enabled = true;
        private List<String> paths = new ArrayList<>(List.of("/api/**"));
        private String limits = "100/1m";
        private String fallback = "local";
        private String backend = "auto";
        private String trustedProxies = "";
        private String redisUri;

        /** Creates the defaults. */
        public RateLimit() {
        }

        /** @return whether the rate limit filter is installed (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the Ant-style path patterns limited (default {@code /api/**}) */
        public List<String> getPaths() {
            return paths;
        }

        /** @param paths see {@link #getPaths()} */
        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        /** @return per caller: comma-separated {@code N/duration} limits, all enforced (default {@code 100/1m}) */
        public String getLimits() {
            return limits;
        }

        /** @param limits see {@link #getLimits()} */
        public void setLimits(String limits) {
            this.limits = limits;
        }

        /** @return when Redis is unreachable: {@code local} (default), {@code open} or {@code closed} */
        public String getFallback() {
            return fallback;
        }

        /** @param fallback see {@link #getFallback()} */
        public void setFallback(String fallback) {
            this.fallback = fallback;
        }

        /**
         * @return {@code auto} (default: Redis through the application's Spring Data Redis Lettuce
         *     connection when there is one, else memory with a finding), {@code redis} or {@code memory}
         */
        public String getBackend() {
            return backend;
        }

        /** @param backend see {@link #getBackend()} */
        public void setBackend(String backend) {
            this.backend = backend;
        }

        /** @return comma-separated CIDRs whose {@code X-Forwarded-For} is believed (default none) */
        public String getTrustedProxies() {
            return trustedProxies;
        }

        /** @param trustedProxies see {@link #getTrustedProxies()} */
        public void setTrustedProxies(String trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        /**
         * @return a {@code REDIS_URI}-style value ({@code redis://}, {@code rediss://},
         *     {@code redis-sentinel://…#master} or a comma-separated cluster node list); when unset, the
         *     server of the application's Spring Data Redis Lettuce connection factory, if there is one
         */
        public String getRedisUri() {
            return redisUri;
        }

        /** @param redisUri see {@link #getRedisUri()} */
        public void setRedisUri(String redisUri) {
            this.redisUri = redisUri;
        }
    }

    /** {@code hardening.webhooks.*}. Not thread-safe while binding. */
    public static final class Webhooks {
        private final GitHub github = new GitHub();

        /** Creates the defaults. */
        public Webhooks() {
        }

        /** @return the GitHub-style ({@code X-Hub-Signature-256}) webhook settings */
        public GitHub getGithub() {
            return github;
        }
    }

    /** {@code hardening.webhooks.github.*}. Not thread-safe while binding. */
    public static final class GitHub {
        private List<String> paths = new ArrayList<>();
        private String secretVariable = "WEBHOOK_SECRET";
        private boolean dedup = true;

        /** Creates the defaults. */
        public GitHub() {
        }

        /** @return the exact paths whose POST bodies must carry a valid signature (default none: off) */
        public List<String> getPaths() {
            return paths;
        }

        /** @param paths see {@link #getPaths()} */
        public void setPaths(List<String> paths) {
            this.paths = paths;
        }

        /**
         * @return the variable the secret is read from, as hardening-config binds secrets:
         *     {@code NAME}, {@code NAME_FILE} (re-read on change), {@code NAME_PREVIOUS(_FILE)} —
         *     each looked up in Spring's environment (environment variables, system properties,
         *     {@code application.yml}); default {@code WEBHOOK_SECRET}; must end with {@code SECRET}
         */
        public String getSecretVariable() {
            return secretVariable;
        }

        /** @param secretVariable see {@link #getSecretVariable()} */
        public void setSecretVariable(String secretVariable) {
            this.secretVariable = secretVariable;
        }

        /**
         * @return whether a repeated {@code X-GitHub-Delivery} id within 24 h is answered 200
         *     {@code duplicate} without reaching the application (default true; the ids are kept in
         *     Redis when the rate limiter uses Redis, else in a bounded local store)
         */
        public boolean isDedup() {
            return dedup;
        }

        /** @param dedup see {@link #isDedup()} */
        public void setDedup(boolean dedup) {
            this.dedup = dedup;
        }
    }

    /** {@code hardening.lifecycle.*}. Not thread-safe while binding. */
    public static final class Lifecycle {
        private boolean enabled = true;
        private Duration shutdownDelay;
        private Duration drainTimeout;
        private boolean drainExecutors = true;
        private boolean watchdog = true;
        private boolean handleSignals = true;

        /** Creates the defaults. */
        public Lifecycle() {
        }

        /**
         * @return whether the application's {@code ThreadPoolTaskExecutor}s and
         *     {@code ThreadPoolTaskScheduler}s ({@code @Async}, {@code @Scheduled}) are drained within
         *     the shutdown budget: schedulers start no new run once shutdown begins, executors keep
         *     accepting work until the web server has drained, then finish it by the deadline or are
         *     cut, each named in the log (default true)
         */
        public boolean isDrainExecutors() {
            return drainExecutors;
        }

        /** @param drainExecutors see {@link #isDrainExecutors()} */
        public void setDrainExecutors(boolean drainExecutors) {
            this.drainExecutors = drainExecutors;
        }

        /**
         * @return whether a context close that overruns the whole budget (shutdown delay + drain
         *     timeout + 2 s) halts the JVM with status 2 after logging where it hung (default true)
         */
        public boolean isWatchdog() {
            return watchdog;
        }

        /** @param watchdog see {@link #isWatchdog()} */
        public void setWatchdog(boolean watchdog) {
            this.watchdog = watchdog;
        }

        /**
         * @return whether SIGTERM and SIGINT close the context on a thread of the starter's and end
         *     the process with the drain's status (0 drained, 1 work cut) instead of the JVM's 143;
         *     Boot's own shutdown hook still runs, finding the context closed (default true)
         */
        public boolean isHandleSignals() {
            return handleSignals;
        }

        /** @param handleSignals see {@link #isHandleSignals()} */
        public void setHandleSignals(boolean handleSignals) {
            this.handleSignals = handleSignals;
        }

        /** @return whether the shutdown delay and its {@code Connection: close} filter are installed (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return time between readiness refusing traffic and the web server's graceful stop (default 0s dev, 5s production) */
        public Duration getShutdownDelay() {
            return shutdownDelay;
        }

        /** @param shutdownDelay see {@link #getShutdownDelay()} */
        public void setShutdownDelay(Duration shutdownDelay) {
            this.shutdownDelay = shutdownDelay;
        }

        /**
         * @return how long in-flight work may finish after the listener closes; when set, it becomes
         *     {@code spring.lifecycle.timeout-per-shutdown-phase} unless that is set (default: Boot's, 30s)
         */
        public Duration getDrainTimeout() {
            return drainTimeout;
        }

        /** @param drainTimeout see {@link #getDrainTimeout()} */
        public void setDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }
    }

    /** {@code hardening.deploy-check.*}. Not thread-safe while binding. */
    public static final class DeployCheck {
        private boolean enabled = true;

        /** Creates the defaults. */
        public DeployCheck() {
        }

        /** @return whether Spring's own configuration is checked in the startup report (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code hardening.metrics.*}. Not thread-safe while binding. */
    public static final class Metrics {
        private boolean enabled = true;

        /** Creates the defaults. */
        public Metrics() {
        }

        /**
         * @return whether hardening-micrometer's meters are bound to the application's
         *     {@code MeterRegistry} for every component the starter creates (default true; nothing
         *     happens without a registry)
         */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    // ---- h-spring-sample: the dev issuer, probe paths and the listening line (one block, merged as a unit) ----

    private final DevIssuer devIssuer = new DevIssuer();
    private final Probes probes = new Probes();
    private boolean announceListening = true;
    private boolean problemErrorPages = true;
    private List<String> requiredSecrets = new ArrayList<>();

    /** @return {@code hardening.dev-issuer.*}: the built-in token issuer of dev mode */
    public DevIssuer getDevIssuer() {
        return devIssuer;
    }

    /** @return {@code hardening.probes.*}: plain-text liveness and readiness paths */
    public Probes getProbes() {
        return probes;
    }

    /**
     * @return whether the starter logs {@code listening on http://HOST:PORT} (logger
     *     {@code dev.hardening.spring.Listening}) once the web server accepts connections (default true)
     */
    public boolean isAnnounceListening() {
        return announceListening;
    }

    /** @param announceListening see {@link #isAnnounceListening()} */
    public void setAnnounceListening(boolean announceListening) {
        this.announceListening = announceListening;
    }

    /**
     * @return whether embedded Tomcat or Jetty answers the requests it rejects itself (malformed request
     *     line or headers, headers too large, …) with a problem document instead of its HTML page (default true)
     */
    public boolean isProblemErrorPages() {
        return problemErrorPages;
    }

    /** @param problemErrorPages see {@link #isProblemErrorPages()} */
    public void setProblemErrorPages(boolean problemErrorPages) {
        this.problemErrorPages = problemErrorPages;
    }

    /**
     * @return variables holding secrets the application needs ({@code SECRET_KEY}; names ending in
     *     {@code _KEY} or {@code SECRET}): each read from {@code NAME} or {@code NAME_FILE}, checked by
     *     the secret policy as an HMAC key, required in production, generated once in dev; every problem
     *     is a line of the startup report (default none)
     */
    public List<String> getRequiredSecrets() {
        return requiredSecrets;
    }

    /** @param requiredSecrets see {@link #getRequiredSecrets()} */
    public void setRequiredSecrets(List<String> requiredSecrets) {
        this.requiredSecrets = requiredSecrets;
    }

    /**
     * {@code hardening.dev-issuer.*}: a token issuer for dev mode only ({@code hardening.environment}
     * or {@code APP_ENV} {@code dev}), so a newcomer can call the API with curl. Its RSA key is
     * generated once and kept with the dev secrets ({@code .hardening/dev-secrets}), so tokens
     * survive a restart; its tokens are trusted next to the configured issuers. In test and
     * production mode nothing of it exists. Not thread-safe while binding.
     */
    public static final class DevIssuer {
        private boolean enabled;
        private String audience;
        private String tokenPath = "/dev/token";

        /** Creates the defaults. */
        public DevIssuer() {
        }

        /** @return whether the dev issuer and its token endpoint exist in dev mode (default false) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * @return the audience of minted tokens (default: {@code spring.application.name}, else
         *     {@code dev-api}); the dev issuer's tokens are accepted for this audience only
         */
        public String getAudience() {
            return audience;
        }

        /** @param audience see {@link #getAudience()} */
        public void setAudience(String audience) {
            this.audience = audience;
        }

        /**
         * @return the exact path where {@code POST} mints a token (optional query parameter {@code sub})
         *     and answers {@code {"access_token":…,"token_type":"Bearer","expires_in":N}} (default {@code /dev/token})
         */
        public String getTokenPath() {
            return tokenPath;
        }

        /** @param tokenPath see {@link #getTokenPath()} */
        public void setTokenPath(String tokenPath) {
            this.tokenPath = tokenPath;
        }
    }

    /**
     * {@code hardening.probes.*}: plain-text probes on the application's own port, answered before
     * Spring Security from Boot's {@code ApplicationAvailability} (the same state as
     * {@code /actuator/health/liveness} and {@code readiness}, so the shutdown delay's readiness
     * change shows at once). No internals in the bodies. Not thread-safe while binding.
     */
    public static final class Probes {
        private String livenessPath;
        private String readinessPath;

        /** Creates the defaults. */
        public Probes() {
        }

        /**
         * @return the exact path answering {@code GET}/{@code HEAD} 200 {@code ok} while the
         *     application is live, else 503 (default: none, off)
         */
        public String getLivenessPath() {
            return livenessPath;
        }

        /** @param livenessPath see {@link #getLivenessPath()} */
        public void setLivenessPath(String livenessPath) {
            this.livenessPath = livenessPath;
        }

        /**
         * @return the exact path answering {@code GET}/{@code HEAD} 200 {@code ready} while the
         *     application accepts traffic, 503 from the first moment of shutdown (default: none, off)
         */
        public String getReadinessPath() {
            return readinessPath;
        }

        /** @param readinessPath see {@link #getReadinessPath()} */
        public void setReadinessPath(String readinessPath) {
            this.readinessPath = readinessPath;
        }
    }

    // ---- end of the h-spring-sample block ----

    // ---- h-spring-hostile: the embedded web server under hostile networks ----

    private final WebServer server = new WebServer();

    /** @return {@code hardening.server.*}: how embedded Jetty reads request bodies */
    public WebServer getServer() {
        return server;
    }

    /**
     * {@code hardening.server.*}: embedded Jetty reads each request body into memory as it arrives,
     * without holding a thread, before the application runs (so clients trickling bodies cannot hold
     * the pool's threads), and bounds how long a request head may take. Not applied to Tomcat (see
     * the README). Not thread-safe while binding.
     */
    public static final class WebServer {
        private boolean readGuard = true;
        private Duration headTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private DataSize maxBody = DataSize.ofMegabytes(10);
        private int maxConcurrentBodyReads = 256;

        /** Creates the defaults. */
        public WebServer() {
        }

        /**
         * @return whether embedded Jetty reads bodies before the application runs and bounds heads and
         *     bodies in time (default true)
         */
        public boolean isReadGuard() {
            return readGuard;
        }

        /** @param readGuard see {@link #isReadGuard()} */
        public void setReadGuard(boolean readGuard) {
            this.readGuard = readGuard;
        }

        /**
         * @return how long a request head may take to arrive from its first byte; then 408 and the
         *     connection closed, within twice this (default 10s)
         */
        public Duration getHeadTimeout() {
            return headTimeout;
        }

        /** @param headTimeout see {@link #getHeadTimeout()} */
        public void setHeadTimeout(Duration headTimeout) {
            this.headTimeout = headTimeout;
        }

        /** @return how long a request body may take to arrive after its head; then 408 (default 30s) */
        public Duration getBodyTimeout() {
            return bodyTimeout;
        }

        /** @param bodyTimeout see {@link #getBodyTimeout()} */
        public void setBodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = bodyTimeout;
        }

        /**
         * @return the largest request body, held in memory until the application reads it; larger is
         *     413 (default 10MB, Spring's multipart request limit). Memory is bounded by this times
         *     {@link #getMaxConcurrentBodyReads()}
         */
        public DataSize getMaxBody() {
            return maxBody;
        }

        /** @param maxBody see {@link #getMaxBody()} */
        public void setMaxBody(DataSize maxBody) {
            this.maxBody = maxBody;
        }

        /** @return request bodies read at once; beyond it 503 (default 256) */
        public int getMaxConcurrentBodyReads() {
            return maxConcurrentBodyReads;
        }

        /** @param maxConcurrentBodyReads see {@link #getMaxConcurrentBodyReads()} */
        public void setMaxConcurrentBodyReads(int maxConcurrentBodyReads) {
            this.maxConcurrentBodyReads = maxConcurrentBodyReads;
        }
    }

    // ---- end of the h-spring-hostile block ----

    // ---- warm-up (h-springci) ----

    private final WarmUp warmUp = new WarmUp();

    /** @return {@code hardening.warm-up.*}: one request through the application before the port opens */
    public WarmUp getWarmUp() {
        return warmUp;
    }

    /**
     * {@code hardening.warm-up.*}: with embedded Jetty, one request is sent through the server's
     * handlers, the filters, Spring Security and Spring MVC on an in-memory connector after the
     * application has started and before the port opens, so that the first client request does not
     * pay for loading and linking that path. In dev mode it carries a token of the dev issuer; else no
     * token. It is not counted: the starter's meters, rate limits and Micrometer observations skip it.
     */
    public static final class WarmUp {
        private boolean enabled = true;
        private String path = "/";

        /** @return whether the warm-up request is sent (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled see {@link #isEnabled()} */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * @return the path the warm-up GET request asks for (default {@code /}); an authenticated route
         *     of the application warms its controller too
         */
        public String getPath() {
            return path;
        }

        /** @param path see {@link #getPath()} */
        public void setPath(String path) {
            this.path = path;
        }
    }
}
