package dev.hardening.spring.internal;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.servlet.BearerAuthFilter;
import dev.hardening.ratelimit.TrustedProxies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Verifies {@code Authorization: DPoP} requests (RFC 9449) before Spring Security sees them, with
 * hardening-auth's servlet {@link BearerAuthFilter}: the token must verify and be bound to a key
 * ({@code cnf.jkt}), and the one {@code DPoP} proof must name the request's method and URL
 * ({@code htm}, {@code htu}), the token ({@code ath}), be fresh ({@code iat}) and unseen
 * ({@code jti}, in the verifier's replay check). A failure is answered here: 401 with
 * {@code WWW-Authenticate: DPoP error="invalid_dpop_proof"} or {@code error="invalid_token"} and
 * {@code algs}, or 503 when keys or introspection are unavailable, with a problem body. The rate
 * limit counts a refused request first (by client address: it has no verified subject), exactly as
 * it counts a request with a bad Bearer token. While the address is over its limit the answer is the
 * limiter's 429, not the refusal. The proof is still checked first: whether the subject or the address
 * is the key depends on it.
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
    private final Supplier<Filter> rateLimit;

    /**
     * @param verifier       the verifier (with its DPoP policy and replay check)
     * @param trustedProxies whose forwarded headers decide the URL
     * @param rateLimit      supplies the rate limit filter that counts a refused request before it is
     *                       answered, or null when there is none; asked on each refusal
     */
    public DpopFilter(TokenVerifier verifier, TrustedProxies trustedProxies, Supplier<Filter> rateLimit) {
        this.verify = BearerAuthFilter.of(verifier);
        this.trustedProxies = trustedProxies;
        this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "DPoP ", 0, 5)) {
            chain.doFilter(request, response);
            return;
        }
        HeldRefusal refusal = new HeldRefusal(response);
        verify.doFilter(new CalledUrl(request, trustedProxies), refusal, (req, res) -> {
            refusal.passThrough();
            VerifiedToken verified = BearerAuthFilter.token((HttpServletRequest) req);
            String token = authorization.substring(5).strip();
            try {
                DpopProven.during(token, verified, () -> chain.doFilter(new AsBearer(request, token), response));
            } catch (ServletException | IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException(e);
            }
        });
        if (!refusal.held()) {
            return;
        }
        FilterChain answer = (req, res) -> refusal.send();
        Filter limiter = rateLimit.get();
        if (limiter == null) {
            answer.doFilter(request, response);
        } else {
            limiter.doFilter(request, response, answer);
        }
    }

    /**
     * The response the verifying filter writes its refusal into: status, headers and body are held,
     * not sent, until {@link #send()} (after the rate limit let the request through) or never (the
     * limiter answered instead). Once the request is proven it is the real response, untouched.
     */
    static final class HeldRefusal extends HttpServletResponseWrapper {
        private final HttpServletResponse real;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean passThrough;
        private int status = HttpServletResponse.SC_OK;
        private String contentType;

        HeldRefusal(HttpServletResponse real) {
            super(real);
            this.real = real;
        }

        void passThrough() {
            passThrough = true;
        }

        /** @return whether a refusal was written and held (the request was not proven) */
        boolean held() {
            return !passThrough;
        }

        void send() throws IOException {
            real.setStatus(status);
            for (Map.Entry<String, String> h : headers.entrySet()) {
                real.setHeader(h.getKey(), h.getValue());
            }
            if (contentType != null) {
                real.setContentType(contentType);
            }
            real.setContentLength(body.size());
            body.writeTo(real.getOutputStream());
        }

        @Override
        public void setStatus(int sc) {
            if (passThrough) {
                super.setStatus(sc);
            } else {
                status = sc;
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (passThrough) {
                super.setHeader(name, value);
            } else {
                headers.put(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (passThrough) {
                super.addHeader(name, value);
            } else {
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
        }

        @Override
        public void setContentType(String type) {
            if (passThrough) {
                super.setContentType(type);
            } else {
                contentType = type;
            }
        }

        @Override
        public void setContentLength(int len) {
            if (passThrough) {
                super.setContentLength(len);
            }
        }

        @Override
        public void setContentLengthLong(long len) {
            if (passThrough) {
                super.setContentLengthLong(len);
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (passThrough) {
                return super.getOutputStream();
            }
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    body.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("a held refusal is written synchronously");
                }
            };
        }

        @Override
        public boolean isCommitted() {
            return passThrough && super.isCommitted();
        }

        @Override
        public void reset() {
            if (passThrough) {
                super.reset();
            } else {
                headers.clear();
                body.reset();
                status = HttpServletResponse.SC_OK;
                contentType = null;
            }
        }
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
