package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.Headers;
import dev.hardening.auth.CorsPolicy;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link CorsPolicy} on a JDK {@code HttpServer} context: answers preflights itself
 * (204 or 403, handler not called), adds the grant headers and {@code Vary: Origin} to allowed
 * requests, and lets other origins through without grants. Put it before authentication filters,
 * since browsers send preflights without credentials. Thread-safe.
 */
public final class CorsFilter extends Filter {

    private final CorsPolicy policy;

    private CorsFilter(CorsPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param policy the policy
     * @return the filter
     */
    public static CorsFilter of(CorsPolicy policy) {
        return new CorsFilter(Objects.requireNonNull(policy, "policy"));
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Headers in = exchange.getRequestHeaders();
        CorsPolicy.Decision d = policy.evaluate(exchange.getRequestMethod(), in.getFirst("Origin"),
                in.getFirst("Access-Control-Request-Method"), in.getFirst("Access-Control-Request-Headers"));
        for (Map.Entry<String, String> h : d.headers().entrySet()) {
            exchange.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        switch (d.outcome()) {
            case PREFLIGHT_ALLOWED:
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            case PREFLIGHT_REJECTED:
                exchange.sendResponseHeaders(403, -1);
                exchange.close();
                return;
            default:
                chain.doFilter(exchange);
        }
    }

    @Override
    public String description() {
        return "CORS";
    }
}
