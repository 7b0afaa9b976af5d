package dev.hardening.ratelimit.servlet;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitHeaders;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.TrustedProxies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jakarta Servlet filter that rate-limits each HTTP request by its caller key: the same behaviour as
 * the JDK adapter ({@code dev.hardening.ratelimit.jdkhttp.RateLimitFilter}) — {@code RateLimit} /
 * {@code RateLimit-Policy} fields, 429 with {@code Retry-After} and an RFC 9457 body, shadow mode, 503
 * if a bare limiter throws. Non-HTTP requests pass through. Register the instance programmatically
 * ({@code servletContext.addFilter(name, filter)}). Thread-safe.
 */
public final class RateLimitServletFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitServletFilter.class);

    private final RateLimiter limiter;
    private final RequestKeyResolver keys;
    private final EnforcementMode mode;
    private final String policyHeader;

    private RateLimitServletFilter(Builder b) {
        this.limiter = b.limiter;
        this.keys = b.keys;
        this.mode = b.mode;
        this.policyHeader = RateLimitHeaders.policy(limiter.policy());
    }

    /**
     * @param limiter the limiter to consult
     * @return a builder; keys default to the peer address (no trusted proxies), mode to ENFORCE
     */
    public static Builder builder(RateLimiter limiter) {
        return new Builder(limiter);
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
        Decision decision;
        try {
            decision = limiter.tryAcquire(keys.resolve(request), 1);
        } catch (RateLimitUnavailableException e) {
            response.setStatus(503);
            response.setContentType(RateLimitHeaders.PROBLEM_CONTENT_TYPE);
            response.getOutputStream().write(("{\"type\":\"https://iana.org/assignments/http-problem-types"
                    + "#temporary-reduced-capacity\",\"title\":\"Service Unavailable\",\"status\":503}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!decision.allowed() && mode == EnforcementMode.SHADOW) {
            limiter.counters().recordShadowDenied();
            LOG.debug("shadow mode: would deny {} {}", request.getMethod(), request.getRequestURI());
            chain.doFilter(req, res);
            return;
        }
        if (mode == EnforcementMode.ENFORCE) {
            response.setHeader("RateLimit-Policy", policyHeader);
            String rateLimit = RateLimitHeaders.rateLimit(decision);
            if (!rateLimit.isEmpty()) {
                response.setHeader("RateLimit", rateLimit);
            }
        }
        if (decision.allowed()) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = RateLimitHeaders.problemJson(decision, 1).getBytes(StandardCharsets.UTF_8);
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(RateLimitHeaders.retryAfterSeconds(decision)));
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(RateLimitHeaders.PROBLEM_CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Builder; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiter limiter;
        private RequestKeyResolver keys = RequestKeyResolver.clientAddress(TrustedProxies.none());
        private EnforcementMode mode = EnforcementMode.ENFORCE;

        private Builder(RateLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
        }

        /**
         * @param resolver chooses each request's key
         * @return this
         */
        public Builder keyResolver(RequestKeyResolver resolver) {
            this.keys = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * @param mode ENFORCE (default) or SHADOW
         * @return this
         */
        public Builder mode(EnforcementMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @return the filter */
        public RateLimitServletFilter build() {
            return new RateLimitServletFilter(this);
        }
    }
}
