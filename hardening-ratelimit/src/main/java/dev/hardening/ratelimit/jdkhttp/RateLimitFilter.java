package dev.hardening.ratelimit.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.config.Checks;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.internal.RateLimitGate;
import dev.hardening.ratelimit.internal.RejectionResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * A JDK {@code HttpServer} filter that rate-limits each request by its caller key, with the limiter and
 * the {@link EnforcementMode} of a {@link RateLimiting} — the same object whose startup check reports
 * that mode, so the report and the filter cannot disagree. Allowed requests get the {@code RateLimit}
 * and {@code RateLimit-Policy} fields and continue; denied ones get 429 with {@code Retry-After}, those
 * fields and an RFC 9457 problem body. In {@link EnforcementMode#SHADOW} every request continues and
 * would-be denials are only counted. If the limiter cannot decide (a bare shared limiter; the
 * {@code RateLimiting} one never fails) the request gets 503. Add it with
 * {@code context.getFilters().add(filter)}. Thread-safe.
 */
public final class RateLimitFilter extends Filter {

    private final RateLimitGate gate;
    private final ExchangeKeyResolver keys;

    private RateLimitFilter(RateLimiting rateLimiting, ExchangeKeyResolver keys) {
        this.gate = new RateLimitGate(rateLimiting.limiter(), rateLimiting.mode());
        this.keys = keys;
    }

    /**
     * @param rateLimiting the limiter, mode and trusted proxies to use
     * @return a filter keyed by client address ({@link ExchangeKeyResolver#clientAddress} with the
     *     trusted proxies of {@code rateLimiting})
     * @throws NullPointerException if {@code rateLimiting} is null
     */
    public static RateLimitFilter of(RateLimiting rateLimiting) {
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
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        RateLimitGate.Outcome outcome = gate.check(keys.resolve(exchange));
        Optional<RejectionResponse> rejection = outcome.rejection();
        if (rejection.isEmpty()) {
            for (Map.Entry<String, String> h : outcome.headers().entrySet()) {
                exchange.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            chain.doFilter(exchange);
            return;
        }
        RejectionResponse r = rejection.get();
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            exchange.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        byte[] body = r.body();
        exchange.sendResponseHeaders(r.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public String description() {
        return gate.description();
    }

    /** Builder; each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiting rateLimiting;
        private ExchangeKeyResolver keys;

        private Builder(RateLimiting rateLimiting) {
            this.rateLimiting = Checks.notNull(rateLimiting, "rateLimiting");
        }

        /**
         * @param resolver chooses each request's key; default the client address behind the trusted proxies
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder keyResolver(ExchangeKeyResolver resolver) {
            this.keys = Checks.setOnce(this.keys, resolver, "keyResolver");
            return this;
        }

        /** @return the filter */
        public RateLimitFilter build() {
            return new RateLimitFilter(rateLimiting,
                    keys == null ? ExchangeKeyResolver.clientAddress(rateLimiting.trustedProxies()) : keys);
        }
    }
}
