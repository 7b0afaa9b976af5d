package dev.hardening.samples.service;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.CorsPolicy;
import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.auth.jdkhttp.BearerAuthFilter;
import dev.hardening.auth.jdkhttp.CorsFilter;
import dev.hardening.auth.jdkhttp.WebhookFilter;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.StartupCheckException;
import dev.hardening.config.StartupReport;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.jdkhttp.HardenedHttpServer;
import dev.hardening.lifecycle.jdkhttp.HealthHandlers;
import dev.hardening.lifecycle.jdkhttp.HttpServerDrain;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.jdkhttp.ExchangeKeyResolver;
import dev.hardening.ratelimit.jdkhttp.RateLimitFilter;
import dev.hardening.ratelimit.redis.RedisBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The reference service: settings through hardening-config, verified tokens and webhooks through
 * hardening-auth, rate limits and webhook dedup through hardening-ratelimit, health and graceful
 * drain through hardening-lifecycle, the startup report before the port opens (exit status 78,
 * EX_CONFIG, when it fails), then a plain JDK {@link HttpServer}.
 */
public final class HardenedService {

    /** Exit status for configuration errors (sysexits.h EX_CONFIG). */
    public static final int EX_CONFIG = 78;

    /** The audience the dev issuer mints for when {@code OIDC_AUDIENCE} is unset. */
    static final String DEV_AUDIENCE = "hardened-service";

    private final HttpServer server;

    private HardenedService(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the service; exits with 78 when the configuration or the startup report fails.
     *
     * @param args ignored: everything comes from the environment
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BoundConfig<ServiceSettings> config;
        try {
            config = ServiceSettings.load();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            System.exit(EX_CONFIG);
            return;
        }
        Components components;
        try {
            components = Components.build(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("HC-E007 settings rejected while wiring: " + e.getMessage());
            System.exit(EX_CONFIG);
            return;
        }
        ServiceSettings settings = config.settings();
        Health health = Health.create();
        ShutdownCoordinator shutdown = ShutdownCoordinator.builder()
                .shutdownDelay(settings.shutdownDelay())
                .drainTimeout(settings.drainTimeout())
                // SAMPLE.md: the whole shutdown never exceeds SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s; the
                // watchdog may need up to 100 ms past the budget to halt, hence 1.8 s of slack.
                .totalBudget(settings.shutdownDelay().plus(settings.drainTimeout()).plusMillis(1800))
                .health(health)
                .build();
        StartupReport report = StartupReport.builder(config.environment())
                .check(config)
                .check(shutdown.startupCheck())
                .check(httpServer(new InetSocketAddress(settings.port())).startupCheck())
                .add(EnvironmentChecks.devModeBinding(config.environment(), settings.bindAddress(), settings.allowDevOnNetwork()))
                .check(components.verifier)
                .check(components.github)
                .check(components.cors)
                .check(components.rateLimiting.startupCheck())
                .build();
        try {
            report.enforce();
        } catch (StartupCheckException e) {
            err.print(report.renderTable());
            components.close();
            System.exit(EX_CONFIG);
            return;
        }
        out.print(report.renderTable());
        out.flush();

        HardenedService service;
        try {
            service = start(settings, components, health, shutdown);
        } catch (IOException e) {
            err.println("cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": " + e.getMessage());
            components.close();
            System.exit(1);
            return;
        }
        out.println("listening on http://" + hostForUrl(settings.bindAddress()) + ":" + service.server.getAddress().getPort());
        out.flush();
    }

    /** Everything built from the settings before the report runs. */
    static final class Components {
        final TokenVerifier verifier;
        final Optional<DevIssuer> devIssuer;
        final GitHubWebhookVerifier github;
        final CorsPolicy cors;
        final RateLimiting rateLimiting;
        final DedupStore deliveries;

        private Components(TokenVerifier verifier, Optional<DevIssuer> devIssuer, GitHubWebhookVerifier github,
                           CorsPolicy cors, RateLimiting rateLimiting, DedupStore deliveries) {
            this.verifier = verifier;
            this.devIssuer = devIssuer;
            this.github = github;
            this.cors = cors;
            this.rateLimiting = rateLimiting;
            this.deliveries = deliveries;
        }

        static Components build(BoundConfig<ServiceSettings> config) {
            ServiceSettings s = config.settings();
            AppEnvironment env = config.environment();
            TokenVerifier.Builder tokens = TokenVerifier.builder();
            ServiceSettings.Oidc oidc = s.oidc();
            if (oidc.issuer().isPresent()) {
                String issuer = oidc.issuer().get().toString();
                IssuerPolicy.Builder policy = oidc.jwksUri().isPresent()
                        ? IssuerPolicy.jwksUri(issuer, oidc.jwksUri().get())
                        : IssuerPolicy.discovery(issuer);
                tokens.issuer(policy.audience(oidc.audience().orElse(DEV_AUDIENCE)).build());
            }
            Optional<DevIssuer> devIssuer = Optional.empty();
            if (!env.isProduction()) {
                DevIssuer dev = DevIssuer.create(DevSecretStore.forEnvironment(env, DevSecretStore.DEFAULT_DIRECTORY),
                        oidc.audience().orElse(DEV_AUDIENCE), TimeSource.system());
                tokens.issuer(dev.policy().build());
                devIssuer = Optional.of(dev);
            }
            TokenVerifier verifier = tokens.build();
            RotatingSecret webhookSecret = s.webhookSecret().orElse(RotatingSecret.none("WEBHOOK_SECRET"));
            GitHubWebhookVerifier github = GitHubWebhookVerifier.of("WEBHOOK_SECRET", webhookSecret::current,
                    webhookSecret::previous);
            CorsPolicy cors = CorsPolicy.builder(env)
                    .allowOrigins(s.cors().origins().toArray(new String[0]))
                    .allowMethods(s.cors().methods().toArray(new String[0]))
                    .allowHeaders(s.cors().headers().toArray(new String[0]))
                    .build();
            RateLimiting.Builder limits = RateLimiting.builder()
                    .policy(s.rateLimit())
                    .fallback(s.rateLimitFallback());
            s.rateLimitBackend().ifPresent(limits::backend);
            s.redisUri().map(RedisBackend::connect).ifPresent(limits::shared);
            s.trustedProxies().ifPresent(limits::trustedProxies);
            RateLimiting rateLimiting = limits.build();
            DedupStore deliveries = rateLimiting.dedupStore("github", DedupStore.DEFAULT_TTL);
            return new Components(verifier, devIssuer, github, cors, rateLimiting, deliveries);
        }

        void close() {
            verifier.close();
            rateLimiting.close();
        }
    }

    static HardenedService start(ServiceSettings settings, Components c, Health health, ShutdownCoordinator shutdown)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
        // The JDK API on Jetty (hardening-lifecycle's HardenedHttpServer): read deadlines, bounded
        // reads, TCP_NODELAY and problem+json rejections; the JDK's own server cannot be configured
        // to survive slow clients (see HardenedHttpServer's Javadoc and BENCHMARKS.md).
        HardenedHttpServer server = httpServer(address).build();
        HttpServerDrain http = HttpServerDrain.builder(server).build();
        Routes routes = new Routes(c.deliveries, settings.appEnv() == AppEnvironment.DEV ? c.devIssuer : Optional.empty());

        http.track(server.createContext("/", routes::notFound));
        http.track(server.createContext("/livez", HealthHandlers.livez(health)));
        http.track(server.createContext("/readyz", HealthHandlers.readyz(health)));

        HttpContext api = http.track(server.createContext("/api/", routes::api));
        api.getFilters().add(CorsFilter.of(c.cors));
        api.getFilters().add(BearerAuthFilter.identifying(c.verifier));
        api.getFilters().add(RateLimitFilter.builder(c.rateLimiting)
                .keyResolver(ExchangeKeyResolver.subjectOrClientAddress(BearerAuthFilter.SUBJECT_ATTRIBUTE,
                        c.rateLimiting.trustedProxies()))
                .build());
        api.getFilters().add(BearerAuthFilter.of(c.verifier));

        HttpContext webhook = http.track(server.createContext("/webhooks/github", routes::githubWebhook));
        webhook.getFilters().add(onlyPost());
        webhook.getFilters().add(WebhookFilter.of(c.github));

        if (settings.appEnv() == AppEnvironment.DEV) {
            http.track(server.createContext("/dev/token", routes::devToken));
        }
        shutdown.register(http);
        shutdown.onRelease("token-verifier", c.verifier::close);
        shutdown.onRelease("rate-limiting", c.rateLimiting::close);
        shutdown.install();
        try {
            server.start();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // main() reports "cannot listen on ..."
        }
        health.markStarted();
        c.verifier.warmUp();
        return new HardenedService(server);
    }

    /** The one place the HTTP server's options are chosen: the startup report and start() both use it. */
    private static HardenedHttpServer.Builder httpServer(InetSocketAddress address) {
        return HardenedHttpServer.builder(address);
    }

    private static Filter onlyPost() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                if (ex.getRequestMethod().equals("POST")) {
                    chain.doFilter(ex);
                    return;
                }
                try (ex) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    Json.problem(ex, 405, "Method Not Allowed", "use POST");
                }
            }

            @Override
            public String description() {
                return "POST only";
            }
        };
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
