package dev.hardening.samples.service;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.jdkhttp.BearerAuthFilter;
import dev.hardening.auth.jdkhttp.CorsFilter;
import dev.hardening.auth.jdkhttp.WebhookFilter;
import dev.hardening.config.AppEnvironment;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.jdkhttp.HealthHandlers;
import dev.hardening.ratelimit.jdkhttp.ExchangeKeyResolver;
import dev.hardening.ratelimit.jdkhttp.RateLimitFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The service's routes, each with its complete, ordered filter list — the one place the order is
 * decided (ARCHITECTURE.md describes it; {@code WiringTest} pins it):
 *
 * <ol>
 *   <li>tracking (lifecycle): counted in flight, drained, cut with 503; {@code Connection: close}
 *       once shutdown begins — first, so every other filter's work is drained too;</li>
 *   <li>CORS (auth), on {@code /api/**};</li>
 *   <li>identify (auth): verifies a token if there is one and records the subject, rejects nobody;</li>
 *   <li>rate limit (ratelimit): keyed by that subject, else the client address;</li>
 *   <li>require a token (auth): 401 / 503, reusing the identification (one verification a request);</li>
 * </ol>
 * then the handler. The webhook route checks the method, then the signature over the raw body.
 */
final class Wiring {

    /** One route: a path prefix, its filters in order, its handler. */
    record Route(String path, List<Filter> filters, HttpHandler handler) {
        Route {
            filters = List.copyOf(filters);
        }
    }

    private Wiring() {
    }

    /**
     * @param c        the components
     * @param health   the process health behind {@code /livez} and {@code /readyz}
     * @param tracking the drain's tracking filter
     * @return every route of the service, in registration order
     */
    static List<Route> routes(Components c, Health health, Filter tracking) {
        Routes handlers = new Routes(c.deliveries,
                c.environment == AppEnvironment.DEV ? c.devIssuer : Optional.empty());
        Predicate<InetAddress> proxies = c.rateLimiting.trustedProxies()::isTrusted;
        Filter rateLimit = RateLimitFilter.builder(c.rateLimiting)
                .keyResolver(ExchangeKeyResolver.subjectOrClientAddress(BearerAuthFilter.SUBJECT_ATTRIBUTE,
                        c.rateLimiting.trustedProxies()))
                .build();

        List<Route> routes = new ArrayList<>();
        routes.add(new Route("/", List.of(tracking), handlers::notFound));
        routes.add(new Route("/livez", List.of(tracking), HealthHandlers.livez(health)));
        routes.add(new Route("/readyz", List.of(tracking), HealthHandlers.readyz(health)));
        c.metrics.handler().ifPresent(h -> routes.add(new Route("/metrics", List.of(tracking), h)));
        routes.add(new Route("/api/", List.of(
                tracking,
                CorsFilter.of(c.cors),
                BearerAuthFilter.identifying(c.verifier, proxies),
                rateLimit,
                BearerAuthFilter.of(c.verifier, proxies)), handlers::api));
        routes.add(new Route("/webhooks/github", List.of(tracking, onlyPost(), WebhookFilter.of(c.github)),
                handlers::githubWebhook));
        if (c.environment == AppEnvironment.DEV) {
            routes.add(new Route("/dev/token", List.of(tracking), handlers::devToken));
        }
        return List.copyOf(routes);
    }

    /**
     * Registers every route on the server, each context getting exactly its route's filters.
     *
     * @param server the server
     * @param routes the routes from {@link #routes}
     */
    static void install(HttpServer server, List<Route> routes) {
        for (Route r : routes) {
            HttpContext context = server.createContext(r.path(), r.handler());
            context.getFilters().addAll(r.filters());
        }
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
}
