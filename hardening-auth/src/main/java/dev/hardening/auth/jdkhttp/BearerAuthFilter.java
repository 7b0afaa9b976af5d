package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.internal.BearerChallenge;
import dev.hardening.auth.internal.RequestScopedExchange;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Requires a valid Bearer token on a JDK {@code HttpServer} context:
 *
 * <pre>{@code
 * HttpContext me = server.createContext("/api/v1/me", handler);
 * me.getFilters().add(BearerAuthFilter.of(verifier));
 * // in the handler: VerifiedToken token = BearerAuthFilter.token(exchange);
 * }</pre>
 *
 * <p>Missing token: 401 with {@code WWW-Authenticate: Bearer realm="..."}; malformed header: 400
 * {@code invalid_request}; invalid token: 401 {@code invalid_token}; keys unavailable: 503 with
 * {@code Retry-After}. A {@link dev.hardening.auth.InsufficientScopeException} thrown by the handler
 * (for example from {@link VerifiedToken#requireScope}) before it sends headers becomes 403
 * {@code insufficient_scope}. Bodies are small JSON problem documents that never echo the token.
 * Downstream filters and the handler receive a request-scoped exchange: in JDK 17 exchange
 * attributes are otherwise shared by every request on the context, so a token stored there would
 * be visible to other, concurrent requests. Thread-safe.
 */
public final class BearerAuthFilter extends Filter {

    /** The exchange attribute holding the {@link VerifiedToken}. */
    public static final String ATTRIBUTE = VerifiedToken.class.getName();

    /**
     * The exchange attribute holding the verified token's subject as a {@code String}, for
     * components that key on the caller (such as a rate limiter) without depending on this module.
     */
    public static final String SUBJECT_ATTRIBUTE = "dev.hardening.auth.subject";

    private static final String VERIFIED_BY = BearerAuthFilter.class.getName() + ".verifiedBy";

    private final TokenVerifier verifier;
    private final String realm;

    private BearerAuthFilter(TokenVerifier verifier, String realm) {
        this.verifier = verifier;
        this.realm = realm;
    }

    /**
     * @param verifier the verifier
     * @return a filter with realm {@code api}
     */
    public static BearerAuthFilter of(TokenVerifier verifier) {
        return new BearerAuthFilter(Objects.requireNonNull(verifier, "verifier"), "api");
    }

    /**
     * A filter that identifies the caller without rejecting anyone: when the request carries a
     * bearer token that this verifier accepts, it stores the {@link VerifiedToken} and its subject
     * ({@link #ATTRIBUTE}, {@link #SUBJECT_ATTRIBUTE}); otherwise it stores nothing. Put it before
     * components that need the caller's identity but must also see unauthenticated requests (a
     * rate limiter), and a {@link #of rejecting} filter with the same verifier after them: that one
     * reuses the stored token instead of verifying it again.
     *
     * @param verifier the verifier
     * @return the identifying filter; thread-safe
     */
    public static Filter identifying(TokenVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier");
        return new Filter() {
            @Override
            public void doFilter(HttpExchange received, Chain chain) throws IOException {
                HttpExchange exchange = RequestScopedExchange.of(received);
                BearerChallenge.Extracted ex = BearerChallenge.extract(exchange.getRequestHeaders().get("Authorization"), "api");
                if (ex.reply().isEmpty() && ex.token().isPresent()) {
                    attempt(verifier, ex.token().get()).ifPresent(token -> {
                        exchange.setAttribute(ATTRIBUTE, token);
                        exchange.setAttribute(SUBJECT_ATTRIBUTE, token.subject());
                        exchange.setAttribute(VERIFIED_BY, verifier);
                    });
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "identifies the bearer-token caller, rejects nobody";
            }
        };
    }

    private static Optional<VerifiedToken> attempt(TokenVerifier verifier, String token) {
        try {
            return Optional.of(verifier.verify(token));
        } catch (TokenRejectedException rejected) {
            return Optional.empty();
        }
    }

    /**
     * @param exchange an exchange that passed this filter
     * @return its verified token
     * @throws IllegalStateException if the filter did not run for this exchange
     */
    public static VerifiedToken token(HttpExchange exchange) {
        Object t = exchange.getAttribute(ATTRIBUTE);
        if (!(t instanceof VerifiedToken)) {
            throw new IllegalStateException("no verified token: BearerAuthFilter is not installed on this context");
        }
        return (VerifiedToken) t;
    }

    @Override
    public void doFilter(HttpExchange received, Chain chain) throws IOException {
        HttpExchange exchange = RequestScopedExchange.of(received);
        if (exchange.getAttribute(VERIFIED_BY) == verifier && exchange.getAttribute(ATTRIBUTE) instanceof VerifiedToken) {
            proceed(exchange, chain);
            return;
        }
        BearerChallenge.Extracted ex = BearerChallenge.extract(exchange.getRequestHeaders().get("Authorization"), realm);
        Optional<BearerChallenge.Reply> early = ex.reply();
        if (early.isPresent()) {
            Replies.send(exchange, early.get());
            return;
        }
        VerifiedToken token;
        try {
            token = verifier.verify(ex.token().orElseThrow());
        } catch (TokenRejectedException e) {
            Replies.send(exchange, BearerChallenge.reply(e, realm));
            return;
        }
        exchange.setAttribute(ATTRIBUTE, token);
        exchange.setAttribute(SUBJECT_ATTRIBUTE, token.subject());
        proceed(exchange, chain);
    }

    private void proceed(HttpExchange exchange, Chain chain) throws IOException {
        try {
            chain.doFilter(exchange);
        } catch (TokenRejectedException e) {
            if (exchange.getResponseCode() != -1) {
                throw e;
            }
            Replies.send(exchange, BearerChallenge.reply(e, realm));
        }
    }

    @Override
    public String description() {
        return "Bearer token verification";
    }
}
