package dev.hardening.ratelimit.servlet;

import dev.hardening.config.Checks;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.internal.RateLimitGate;
import dev.hardening.ratelimit.internal.RejectionResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A Jakarta Servlet filter that rate-limits each HTTP request by its caller key, with the limiter and
 * enforcement mode of a {@link RateLimiting} (the object whose startup check reports that mode): the
 * same behaviour and the same responses as the JDK adapter
 * ({@code dev.hardening.ratelimit.jdkhttp.RateLimitFilter}) — {@code RateLimit} /
 * {@code RateLimit-Policy} fields, 429 with {@code Retry-After} and an RFC 9457 body, shadow mode, 503
 * if the limiter cannot decide. Non-HTTP requests pass through. Register the instance
 * programmatically ({@code servletContext.addFilter(name, filter)}). Thread-safe.
 */
public final class RateLimitServletFilter implements Filter {

    private final RateLimitGate gate;
    private final RequestKeyResolver keys;

    private RateLimitServletFilter(RateLimiting rateLimiting, RequestKeyResolver keys) {
        this.gate = new RateLimitGate(rateLimiting.limiter(), rateLimiting.mode());
        this.keys = keys;
    }

    /**
     * @param rateLimiting the limiter, mode and trusted proxies to use
     * @return a filter keyed by client address ({@link RequestKeyResolver#clientAddress} with the
     *     trusted proxies of {@code rateLimiting})
     * @throws NullPointerException if {@code rateLimiting} is null
     */
    public static RateLimitServletFilter of(RateLimiting rateLimiting) {
        return builder(rateLimiting).build();
    }

    /**
     * @param rateLimiting the limiter, mode and trusted proxies to use
     * @return a builder
     * @throws NullPointerException if {@code rateLimiting} is null
     */
    public static Builder builder(RateLimiting rateLimiting) {
        return new Builder(rateLimiting);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        RateLimitGate.Outcome outcome = gate.check(keys.resolve(request));
        Optional<RejectionResponse> rejection = outcome.rejection();
        if (rejection.isEmpty()) {
            for (Map.Entry<String, String> h : outcome.headers().entrySet()) {
                response.setHeader(h.getKey(), h.getValue());
            }
            chain.doFilter(req, res);
            return;
        }
        RejectionResponse r = rejection.get();
        response.setStatus(r.status());
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        byte[] body = r.body();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Builder; each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiting rateLimiting;
        private RequestKeyResolver keys;

        private Builder(RateLimiting rateLimiting) {
            this.rateLimiting = Checks.notNull(rateLimiting, "rateLimiting");
        }

        /**
         * @param resolver chooses each request's key; default the client address behind the trusted proxies
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder keyResolver(RequestKeyResolver resolver) {
            this.keys = Checks.setOnce(this.keys, resolver, "keyResolver");
            return this;
        }

        /** @return the filter */
        public RateLimitServletFilter build() {
            return new RateLimitServletFilter(rateLimiting,
                    keys == null ? RequestKeyResolver.clientAddress(rateLimiting.trustedProxies()) : keys);
        }
    }
}
