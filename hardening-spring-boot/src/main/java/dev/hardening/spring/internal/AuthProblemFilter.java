package dev.hardening.spring.internal;

import dev.hardening.spring.KeysUnavailableJwtException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs outside Spring Security's filter chain and completes its answers the way the other adapters
 * answer:
 * <ul>
 *   <li>{@link KeysUnavailableJwtException} anywhere in a failure's causes (Spring Security lets it
 *       escape as an {@code AuthenticationServiceException}) → 503 with {@code Retry-After: 5} and
 *       a problem body, instead of a 500 error page;</li>
 *   <li>a 401/403 with a {@code Bearer} challenge and no body (Spring's entry point writes none) →
 *       the same status with an RFC 9457 problem body whose {@code code} is the challenge's
 *       {@code error_description} reason code; a DPoP-bound token presented as Bearer
 *       ({@code dpop_bound_token}) gets the RFC 9449 challenge instead:
 *       {@code WWW-Authenticate: DPoP error="invalid_token", algs="…"}.</li>
 * </ul>
 * Thread-safe.
 */
public final class AuthProblemFilter extends OncePerRequestFilter {

    private final String dpopAlgorithms;

    /** @param dpopAlgorithms the {@code algs} of a DPoP challenge, space-separated */
    public AuthProblemFilter(String dpopAlgorithms) {
        this.dpopAlgorithms = dpopAlgorithms;
    }

    private static final Pattern DESCRIPTION = Pattern.compile("error_description=\"([a-z_]{1,40})\"");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        BodyTracking tracked = new BodyTracking(response);
        try {
            chain.doFilter(request, tracked);
        } catch (ServletException | IOException | RuntimeException e) {
            String unavailable = unavailableCode(e);
            if (unavailable == null || response.isCommitted()) {
                throw e;
            }
            response.reset();
            response.setStatus(503);
            response.setHeader("Retry-After", "5");
            Problems.write(response, Problems.json(503, "Service Unavailable", unavailable,
                    unavailable.equals("introspection_unavailable") ? "the token cannot be checked now; retry later"
                            : "the identity provider's keys are unavailable; retry later"));
            return;
        }
        int status = response.getStatus();
        if ((status == 401 || status == 403) && !tracked.bodyStarted && !response.isCommitted()) {
            String challenge = response.getHeader("WWW-Authenticate");
            if (challenge != null && challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
                String code = reasonCode(challenge, status);
                if (code.equals("dpop_bound_token")) {
                    response.setHeader("WWW-Authenticate", "DPoP error=\"invalid_token\", error_description=\""
                            + code + "\", algs=\"" + dpopAlgorithms + "\"");
                }
                Problems.write(response, status == 401
                        ? Problems.json(401, "Unauthorized", code, code.equals("missing")
                                ? "a Bearer token is required" : "the access token is not valid")
                        : Problems.json(403, "Forbidden", code, "the token lacks a required scope"));
            }
        }
    }

    static String reasonCode(String challenge, int status) {
        Matcher m = DESCRIPTION.matcher(challenge);
        if (m.find()) {
            return m.group(1);
        }
        String lower = challenge.toLowerCase(Locale.ROOT);
        if (lower.contains("insufficient_scope")) {
            return "insufficient_scope";
        }
        if (lower.contains("invalid_request")) {
            return "invalid_request";
        }
        if (lower.contains("invalid_token")) {
            return "invalid_token";
        }
        return status == 403 ? "forbidden" : "missing";
    }

    static boolean keysUnavailable(Throwable e) {
        return unavailableCode(e) != null;
    }

    /** @return the reason code ({@code keys_unavailable}, {@code introspection_unavailable}) of a 503 cause, else null */
    static String unavailableCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KeysUnavailableJwtException) {
                return "introspection_unavailable".equals(t.getMessage()) ? "introspection_unavailable" : "keys_unavailable";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Notices whether anything asked for the body. */
    private static final class BodyTracking extends HttpServletResponseWrapper {
        boolean bodyStarted;

        BodyTracking(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            bodyStarted = true;
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            bodyStarted = true;
            return super.getWriter();
        }

        @Override
        public void sendError(int sc) throws IOException {
            bodyStarted = true;
            super.sendError(sc);
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            bodyStarted = true;
            super.sendError(sc, msg);
        }
    }
}
