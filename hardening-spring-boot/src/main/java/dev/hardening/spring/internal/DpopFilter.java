package dev.hardening.spring.internal;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.servlet.BearerAuthFilter;
import dev.hardening.ratelimit.TrustedProxies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Verifies {@code Authorization: DPoP} requests (RFC 9449) before Spring Security sees them, with
 * hardening-auth's servlet {@link BearerAuthFilter}: the token must verify and be bound to a key
 * ({@code cnf.jkt}), and the one {@code DPoP} proof must name the request's method and URL
 * ({@code htm}, {@code htu}), the token ({@code ath}), be fresh ({@code iat}) and unseen
 * ({@code jti}, in the verifier's replay check). A failure is answered here: 401 with
 * {@code WWW-Authenticate: DPoP error="invalid_dpop_proof"} or {@code error="invalid_token"} and
 * {@code algs}, or 503 when keys or introspection are unavailable, with a problem body.
 *
 * <p>On success the request goes on to Spring Security as a Bearer request for the same token,
 * without its {@code DPoP} header, and {@code HardeningJwtDecoder} answers that token from the
 * verification just made on this thread (never verifying it again, never accepting a bound token
 * any other way). So the application's {@code SecurityFilterChain}, authority mapping and
 * {@code @AuthenticationPrincipal Jwt} work unchanged, and Spring Security's own DPoP support
 * (whose proof-id cache lives in one JVM) is not used.
 *
 * <p>The URL a proof must name is the request's URL; from a trusted proxy, with the scheme and host
 * of its first {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} values. Thread-safe.
 */
public final class DpopFilter extends OncePerRequestFilter {

    private final BearerAuthFilter verify;
    private final TrustedProxies trustedProxies;

    /**
     * @param verifier       the verifier (with its DPoP policy and replay check)
     * @param trustedProxies whose forwarded headers decide the URL
     */
    public DpopFilter(TokenVerifier verifier, TrustedProxies trustedProxies) {
        this.verify = BearerAuthFilter.of(verifier);
        this.trustedProxies = trustedProxies;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "DPoP ", 0, 5)) {
            chain.doFilter(request, response);
            return;
        }
        verify.doFilter(new CalledUrl(request, trustedProxies), response, (req, res) -> {
            VerifiedToken verified = BearerAuthFilter.token((HttpServletRequest) req);
            String token = authorization.substring(5).strip();
            try {
                DpopProven.during(token, verified, () -> chain.doFilter(new AsBearer(request, token), res));
            } catch (ServletException | IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException(e);
            }
        });
    }

    /** The URL the client called, believing a trusted proxy's forwarded scheme and host. */
    static final class CalledUrl extends HttpServletRequestWrapper {
        private final TrustedProxies trusted;

        CalledUrl(HttpServletRequest request, TrustedProxies trusted) {
            super(request);
            this.trusted = trusted;
        }

        @Override
        public StringBuffer getRequestURL() {
            HttpServletRequest r = (HttpServletRequest) getRequest();
            Optional<InetAddress> peer = trusted.isEmpty() ? Optional.empty()
                    : TrustedProxies.parseAddress(r.getRemoteAddr());
            if (peer.isEmpty() || !trusted.isTrusted(peer.get())) {
                return r.getRequestURL();
            }
            String scheme = r.getScheme();
            String proto = first(r.getHeader("X-Forwarded-Proto"));
            if (proto != null) {
                String p = proto.toLowerCase(Locale.ROOT);
                if (p.equals("http") || p.equals("https")) {
                    scheme = p;
                }
            }
            String host = first(r.getHeader("X-Forwarded-Host"));
            if (host == null || host.isEmpty()) {
                host = r.getHeader("Host");
            }
            if (host == null || host.isEmpty()) {
                return r.getRequestURL();
            }
            return new StringBuffer(scheme).append("://").append(host).append(r.getRequestURI());
        }

        private static String first(String value) {
            if (value == null) {
                return null;
            }
            int comma = value.indexOf(',');
            return (comma < 0 ? value : value.substring(0, comma)).strip();
        }
    }

    /** The request as Spring Security's Bearer support reads it: the proved token, no DPoP header. */
    static final class AsBearer extends HttpServletRequestWrapper {
        private final String authorization;

        AsBearer(HttpServletRequest request, String token) {
            super(request);
            this.authorization = "Bearer " + token;
        }

        private static boolean isAuthorization(String name) {
            return "Authorization".equalsIgnoreCase(name);
        }

        private static boolean isDpop(String name) {
            return "DPoP".equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return isAuthorization(name) ? authorization : isDpop(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (isAuthorization(name)) {
                return Collections.enumeration(List.of(authorization));
            }
            return isDpop(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(AsBearer::isDpop);
            return Collections.enumeration(names);
        }
    }
}
