package dev.hardening.auth.servlet;

import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.internal.BearerChallenge;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Requires a valid Bearer token (Jakarta Servlet 6). Register it for the protected paths; the
 * handler reads the token with {@link #token(HttpServletRequest)}. Responses are those of
 * {@link dev.hardening.auth.jdkhttp.BearerAuthFilter}: 401 / 400 / 403 / 503 with RFC 6750
 * {@code WWW-Authenticate} and a JSON problem body. DPoP requests (RFC 9449) are checked against
 * {@link HttpServletRequest#getRequestURL()}: let the container apply trusted forwarded headers
 * (Tomcat's {@code RemoteIpValve}, Jetty's {@code ForwardedRequestCustomizer}, Spring's
 * {@code ForwardedHeaderFilter}) so that it is the URL the client called. Thread-safe.
 */
public final class BearerAuthFilter implements Filter {

    /** The request attribute holding the {@link VerifiedToken}. */
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
     * @param request a request that passed this filter
     * @return its verified token
     * @throws IllegalStateException if the filter did not run
     */
    public static VerifiedToken token(HttpServletRequest request) {
        Object t = request.getAttribute(ATTRIBUTE);
        if (!(t instanceof VerifiedToken)) {
            throw new IllegalStateException("no verified token: BearerAuthFilter is not installed for this path");
        }
        return (VerifiedToken) t;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        List<String> auth = Collections.list(request.getHeaders("Authorization"));
        BearerChallenge.Extracted ex = BearerChallenge.extract(auth, realm);
        if (ex.reply().isPresent()) {
            send(response, ex.reply().get());
            return;
        }
        try {
            request.setAttribute(ATTRIBUTE, verifier.verify(ex.request(Collections.list(request.getHeaders("DPoP")),
                    request.getMethod(), () -> URI.create(request.getRequestURL().toString()))));
        } catch (TokenRejectedException e) {
            send(response, BearerChallenge.reply(e, realm, ex.scheme(), verifier.dpop().challengeAlgorithms()));
            return;
        } catch (IllegalArgumentException badUrl) {
            send(response, BearerChallenge.badRequest(realm, "the request URL is not valid"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (TokenRejectedException e) {
            if (response.isCommitted()) {
                throw e;
            }
            response.reset();
            send(response, BearerChallenge.reply(e, realm));
        }
    }

    static void send(HttpServletResponse response, BearerChallenge.Reply reply) throws IOException {
        response.setStatus(reply.status());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
