package dev.hardening.ratelimit.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitHeaders;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.TrustedProxies;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDK {@code HttpServer} filter that rate-limits each request by its caller key. Allowed requests get
 * the {@code RateLimit} and {@code RateLimit-Policy} fields and continue; denied ones get 429 with
 * {@code Retry-After}, those fields and an RFC 9457 problem body. In {@link EnforcementMode#SHADOW} every
 * request continues and would-be denials are only counted. If the limiter itself throws
 * {@link RateLimitUnavailableException} (a bare Redis limiter; a {@code ResilientRateLimiter} never
 * does), the request gets 503. Add it with {@code context.getFilters().add(filter)}. Thread-safe.
 */
public final class RateLimitFilter extends Filter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;
    private final ExchangeKeyResolver keys;
    private final EnforcementMode mode;
    private final String policyHeader;

    private RateLimitFilter(Builder b) {
        this.limiter = b.limiter;
        this.keys = b.keys;
        this.mode = b.mode;
        this.policyHeader = RateLimitHeaders.policy(limiter.policy());
    }

    /**
     * @param limiter the limiter to consult
     * @return a builder; keys default to the TCP peer address (no trusted proxies), mode to ENFORCE
     */
    public static Builder builder(RateLimiter limiter) {
        return new Builder(limiter);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Decision decision;
        try {
            decision = limiter.tryAcquire(keys.resolve(exchange), 1);
        } catch (RateLimitUnavailableException e) {
            byte[] body = ("{\"type\":\"https://iana.org/assignments/http-problem-types#temporary-reduced-capacity\","
                    + "\"title\":\"Service Unavailable\",\"status\":503}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", RateLimitHeaders.PROBLEM_CONTENT_TYPE);
            exchange.sendResponseHeaders(503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        if (!decision.allowed() && mode == EnforcementMode.SHADOW) {
            limiter.counters().recordShadowDenied();
            LOG.debug("shadow mode: would deny {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            chain.doFilter(exchange);
            return;
        }
        Headers headers = exchange.getResponseHeaders();
        if (mode == EnforcementMode.ENFORCE) {
            headers.set("RateLimit-Policy", policyHeader);
            String rateLimit = RateLimitHeaders.rateLimit(decision);
            if (!rateLimit.isEmpty()) {
                headers.set("RateLimit", rateLimit);
            }
        }
        if (decision.allowed()) {
            chain.doFilter(exchange);
            return;
        }
        byte[] body = RateLimitHeaders.problemJson(decision, 1).getBytes(StandardCharsets.UTF_8);
        headers.set("Retry-After", Long.toString(RateLimitHeaders.retryAfterSeconds(decision)));
        headers.set("Content-Type", RateLimitHeaders.PROBLEM_CONTENT_TYPE);
        headers.set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(429, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public String description() {
        return "rate limit " + limiter.policy() + " (" + mode + ")";
    }

    /** Builder; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiter limiter;
        private ExchangeKeyResolver keys = ExchangeKeyResolver.clientAddress(TrustedProxies.none());
        private EnforcementMode mode = EnforcementMode.ENFORCE;

        private Builder(RateLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
        }

        /**
         * @param resolver chooses each request's key
         * @return this
         */
        public Builder keyResolver(ExchangeKeyResolver resolver) {
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
        public RateLimitFilter build() {
            return new RateLimitFilter(this);
        }
    }
}
