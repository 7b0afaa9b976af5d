package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.internal.BearerChallenge;
import dev.hardening.auth.internal.RequestScopedExchange;
import dev.hardening.auth.TokenRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.util.function.Predicate;
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
 * <p>Tokens come as {@code Authorization: Bearer <token>} or, for key-bound tokens (RFC 9449),
 * {@code Authorization: DPoP <token>} with one {@code DPoP} proof header; the proof's {@code htu}
 * must be the URL the client called: {@code http://} ({@code https://} on an {@code HttpsServer})
 * + {@code Host} + path, or, for a request from a proxy that {@code trustedProxies} accepts, the
 * scheme and host of {@code X-Forwarded-Proto} / {@code X-Forwarded-Host}. Failed DPoP requests and
 * key-bound tokens presented as Bearer get {@code WWW-Authenticate: DPoP error="invalid_token"} or
 * {@code error="invalid_dpop_proof"} with {@code algs}.
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
    private static final String REJECTION = BearerAuthFilter.class.getName() + ".rejection";

    private static final Predicate<InetAddress> NO_PROXY = a -> false;

    private final TokenVerifier verifier;
    private final String realm;
    private final Predicate<InetAddress> trustedProxies;

    private BearerAuthFilter(TokenVerifier verifier, String realm, Predicate<InetAddress> trustedProxies) {
        this.verifier = verifier;
        this.realm = realm;
        this.trustedProxies = trustedProxies;
    }

    /**
     * @param verifier the verifier
     * @return a filter with realm {@code api} that believes no forwarded headers
     */
    public static BearerAuthFilter of(TokenVerifier verifier) {
        return of(verifier, NO_PROXY);
    }

    /**
     * @param verifier       the verifier
     * @param trustedProxies whether a peer is a proxy whose {@code X-Forwarded-Proto} / {@code X-Forwarded-Host}
     *                       name the URL the client called (for example {@code trustedProxies::isTrusted})
     * @return a filter with realm {@code api}
     */
    public static BearerAuthFilter of(TokenVerifier verifier, Predicate<InetAddress> trustedProxies) {
        return new BearerAuthFilter(Objects.requireNonNull(verifier, "verifier"), "api",
                Objects.requireNonNull(trustedProxies, "trustedProxies"));
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
        return identifying(verifier, NO_PROXY);
    }

    /**
     * As {@link #identifying(TokenVerifier)}, for DPoP requests through trusted proxies; pass the
     * same predicate as to {@link #of(TokenVerifier, Predicate)}. A DPoP proof is consumed here
     * (its {@code jti} is remembered), and the rejecting filter reuses the result.
     *
     * @param verifier       the verifier
     * @param trustedProxies whether a peer is a proxy whose forwarded headers are believed
     * @return the identifying filter; thread-safe
     */
    public static Filter identifying(TokenVerifier verifier, Predicate<InetAddress> trustedProxies) {
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        return new Filter() {
            @Override
            public void doFilter(HttpExchange received, Chain chain) throws IOException {
                HttpExchange exchange = RequestScopedExchange.of(received);
                BearerChallenge.Extracted ex = BearerChallenge.extract(exchange.getRequestHeaders().get("Authorization"), "api");
                if (ex.reply().isEmpty() && ex.token().isPresent()) {
                    // The outcome, accepted or rejected, is kept for the rejecting filter: a token is
                    // verified once per request, so a flood of bad tokens costs one check each.
                    try {
                        VerifiedToken token = verifier.verify(request(exchange, ex, trustedProxies));
                        exchange.setAttribute(ATTRIBUTE, token);
                        exchange.setAttribute(SUBJECT_ATTRIBUTE, token.subject());
                    } catch (TokenRejectedException rejected) {
                        exchange.setAttribute(REJECTION, rejected);
                    } catch (IllegalArgumentException badHost) {
                        exchange.setAttribute(REJECTION, badHost);
                    }
                    exchange.setAttribute(VERIFIED_BY, verifier);
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "identifies the bearer-token caller, rejects nobody";
            }
        };
    }

    private static TokenRequest request(HttpExchange exchange, BearerChallenge.Extracted ex,
                                        Predicate<InetAddress> trustedProxies) {
        return ex.request(exchange.getRequestHeaders().get("DPoP"), exchange.getRequestMethod(),
                () -> RequestUrl.of(exchange, trustedProxies));
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
        boolean identified = exchange.getAttribute(VERIFIED_BY) == verifier;
        if (identified && exchange.getAttribute(ATTRIBUTE) instanceof VerifiedToken) {
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
            Object earlier = identified ? exchange.getAttribute(REJECTION) : null;
            if (earlier instanceof TokenRejectedException) {
                throw (TokenRejectedException) earlier;
            }
            if (earlier instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) earlier;
            }
            token = verifier.verify(request(exchange, ex, trustedProxies));
        } catch (TokenRejectedException e) {
            Replies.send(exchange, BearerChallenge.reply(e, realm, ex.scheme(), verifier.dpop().challengeAlgorithms()));
            return;
        } catch (IllegalArgumentException badHost) {
            Replies.send(exchange, BearerChallenge.badRequest(realm, "the Host header is not a valid authority"));
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
