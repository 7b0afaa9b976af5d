package dev.hardening.spring.internal;

import dev.hardening.auth.VerifiedToken;
import dev.hardening.ratelimit.CallerKeys;
import dev.hardening.ratelimit.servlet.RequestKeyResolver;
import dev.hardening.spring.HardeningJwtDecoder;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Identifies a request's caller before Spring Security, for the rate limit: reads the bearer token
 * as Spring Security will (the application's {@link BearerTokenResolver} bean, else Spring's
 * default: {@code Authorization: Bearer} only), asks the starter's {@link HardeningJwtDecoder} for
 * it, and takes the verified subject; the outcome, accepted or rejected, stays recorded for the
 * request ({@link RequestVerification}), so Spring Security's later call to the same decoder for
 * the same token does not verify it again. Rejects nobody: a missing, malformed or invalid token
 * leaves the request to the client-address key and to Spring Security's answer. Used only when the
 * {@code JwtDecoder} bean is a {@code HardeningJwtDecoder}; loaded only when Spring Security's
 * resource server is on the class path. Thread-safe.
 */
public final class BearerIdentification {

    private final JwtDecoder decoder;
    private final BearerTokenResolver tokens;

    private BearerIdentification(JwtDecoder decoder, BearerTokenResolver tokens) {
        this.decoder = decoder;
        this.tokens = tokens;
    }

    /**
     * @param beans the application's beans
     * @return the identification when the single {@code JwtDecoder} bean is a
     *     {@link HardeningJwtDecoder}; empty otherwise (the application's own decoder, or none)
     */
    public static Optional<BearerIdentification> find(ListableBeanFactory beans) {
        JwtDecoder decoder = beans.getBeanProvider(JwtDecoder.class).getIfUnique();
        if (!(decoder instanceof HardeningJwtDecoder)) {
            return Optional.empty();
        }
        BearerTokenResolver tokens = beans.getBeanProvider(BearerTokenResolver.class)
                .getIfUnique(DefaultBearerTokenResolver::new);
        return Optional.of(new BearerIdentification(decoder, tokens));
    }

    /**
     * @param fallback the key of a request without a verified subject (the client address)
     * @return resolves {@code sub:<verified subject>}, else {@code fallback}'s key; call it only
     *     inside {@link #around}
     */
    public RequestKeyResolver subjectOr(RequestKeyResolver fallback) {
        return request -> subject(request).map(CallerKeys::subject).orElseGet(() -> fallback.resolve(request));
    }

    /**
     * @param limiter the rate limit filter, whose key resolver is {@link #subjectOr}
     * @return a filter running {@code limiter} and the rest of the chain with the request's
     *     verification kept for the decoder
     */
    public Filter around(Filter limiter) {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                RequestVerification.Opened scope = RequestVerification.open();
                try {
                    limiter.doFilter(request, response, chain);
                } finally {
                    scope.close();
                }
            }
        };
    }

    private Optional<String> subject(HttpServletRequest request) {
        String token;
        try {
            token = tokens.resolve(request);
        } catch (RuntimeException malformed) {
            return Optional.empty(); // Spring Security answers it (400 / 401)
        }
        if (token == null) {
            return Optional.empty();
        }
        try {
            decoder.decode(token);
        } catch (RuntimeException rejected) {
            // recorded for Spring Security's call, which answers it (401 / 503)
        }
        return RequestVerification.recorded(decoder, token)
                .flatMap(RequestVerification.Outcome::verified)
                .map(VerifiedToken::subject)
                .filter(s -> !s.isEmpty());
    }
}
