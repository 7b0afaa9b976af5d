package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.internal.BearerChallenge;
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
 * Thread-safe.
 */
public final class BearerAuthFilter extends Filter {

    /** The exchange attribute holding the {@link VerifiedToken}. */
    public static final String ATTRIBUTE = VerifiedToken.class.getName();

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
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
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
