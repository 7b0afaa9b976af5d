package dev.hardening.auth.servlet;

import dev.hardening.auth.CorsPolicy;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link CorsPolicy} (Jakarta Servlet 6): preflights answered here (204 or 403), grant
 * headers and {@code Vary} added to allowed requests. Register it before authentication.
 * Thread-safe.
 */
public final class CorsFilter implements Filter {

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
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        CorsPolicy.Decision d = policy.evaluate(request.getMethod(), request.getHeader("Origin"),
                request.getHeader("Access-Control-Request-Method"), request.getHeader("Access-Control-Request-Headers"));
        for (Map.Entry<String, String> h : d.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        switch (d.outcome()) {
            case PREFLIGHT_ALLOWED:
                response.setStatus(204);
                return;
            case PREFLIGHT_REJECTED:
                response.setStatus(403);
                return;
            default:
                chain.doFilter(request, response);
        }
    }
}
