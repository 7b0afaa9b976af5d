package dev.hardening.spring.internal;

import dev.hardening.auth.dev.DevIssuer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dev issuer's token endpoint on one exact path: {@code POST} mints a token for the query
 * parameter {@code sub} (default {@code dev-user}) and answers
 * {@code {"access_token":…,"token_type":"Bearer","expires_in":N}}; any other method is 405 with
 * {@code Allow: POST}; a subject the issuer refuses is 400. Registered only in dev mode. Answers
 * before Spring Security (the endpoint is the way to get a token). Thread-safe.
 */
public final class DevTokenFilter extends OncePerRequestFilter {

    private static final String DEFAULT_SUBJECT = "dev-user";

    private final DevIssuer issuer;
    private final String path;

    /**
     * @param issuer the dev issuer
     * @param path   the exact path served
     */
    public DevTokenFilter(DevIssuer issuer, String path) {
        this.issuer = issuer;
        this.path = path;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!path.equals(pathWithinApplication(request))) {
            chain.doFilter(request, response);
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            response.setStatus(405);
            response.setHeader("Allow", "POST");
            Problems.write(response, Problems.json(405, "Method Not Allowed", "method_not_allowed", "use POST"));
            return;
        }
        String sub = request.getParameter("sub");
        String token;
        try {
            token = issuer.mint(sub == null ? DEFAULT_SUBJECT : sub, DevIssuer.DEFAULT_TTL);
        } catch (IllegalArgumentException e) {
            response.setStatus(400);
            Problems.write(response, Problems.json(400, "Bad Request", "invalid_subject",
                    "sub: 1-64 of letters, digits and . _ @ + -"));
            return;
        }
        // a compact JWS holds only base64url characters and dots: nothing to escape
        byte[] body = ("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + DevIssuer.DEFAULT_TTL.toSeconds() + "}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static String pathWithinApplication(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
