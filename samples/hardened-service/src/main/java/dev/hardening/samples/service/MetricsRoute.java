package dev.hardening.samples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.StartupReport;
import dev.hardening.micrometer.AuthMetrics;
import dev.hardening.micrometer.ConfigMetrics;
import dev.hardening.micrometer.RateLimitMetrics;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /metrics}: the library's meters in the Prometheus text format (SAMPLE.md), or nothing
 * at all when {@code METRICS=off}. Each method takes a component as the service builds it and
 * returns the one to use: instrumented when metrics are on, the same object when they are off.
 *
 * <p>Tag values are enum constants, reason codes and the names below ({@value #API_LIMITER},
 * {@value #GITHUB}) — never a subject, token, key id, address or delivery id.
 */
final class MetricsRoute {

    /** The {@code limiter} tag of the {@code /api/**} rate limit. */
    static final String API_LIMITER = "api";
    /** The {@code webhook} and {@code store} tag of the GitHub webhook. */
    static final String GITHUB = "github";
    /** The Prometheus text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Optional<PrometheusMeterRegistry> registry;

    private MetricsRoute(Optional<PrometheusMeterRegistry> registry) {
        this.registry = registry;
    }

    /**
     * @param settings the service's settings ({@code METRICS})
     * @return the route: a fresh Prometheus registry when on, a pass-through when off
     */
    static MetricsRoute of(ServiceSettings settings) {
        return settings.metrics()
                ? new MetricsRoute(Optional.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                : new MetricsRoute(Optional.empty());
    }

    /** @return a listener counting JWKS events (a no-op when off); pass to {@code TokenVerifier.Builder.listener} */
    JwksListener jwksListener() {
        return registry.map(AuthMetrics::jwksListener).orElse(JwksListener.none());
    }

    /** @return the verifier to use everywhere: timed and counted by reason when on */
    TokenVerifier tokens(TokenVerifier verifier) {
        return registry.map(r -> AuthMetrics.instrument(verifier, r)).orElse(verifier);
    }

    /** @return the webhook verifier to use: counted by outcome and reason when on */
    WebhookVerifier github(WebhookVerifier verifier) {
        return registry.map(r -> AuthMetrics.instrument(verifier, GITHUB, r)).orElse(verifier);
    }

    /** @return the delivery store to use: first sightings and duplicates counted when on */
    DedupStore deliveries(DedupStore store) {
        return registry.map(r -> RateLimitMetrics.instrument(store, GITHUB, r)).orElse(store);
    }

    /** Binds the rate limiter's decisions, breaker and backend meters (nothing when off). */
    void bind(RateLimiting rateLimiting) {
        registry.ifPresent(r -> RateLimitMetrics.bind(rateLimiting, API_LIMITER, r));
    }

    /** Binds the startup findings by status (nothing when off). */
    void bind(StartupReport report) {
        registry.ifPresent(r -> ConfigMetrics.bind(report, r));
    }

    /**
     * @return the {@code /metrics} handler (Prometheus text, GET and HEAD only) when on; empty
     *     when off, so the path falls through to the 404 route
     */
    Optional<HttpHandler> handler() {
        return registry.map(r -> exchange -> scrape(r, exchange));
    }

    private static void scrape(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                Json.problem(exchange, 405, "Method Not Allowed", "use GET");
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                Json.problem(exchange, 404, "Not Found", "no such route");
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
