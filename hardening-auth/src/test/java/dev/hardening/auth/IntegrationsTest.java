package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.auth.grpc.BearerAuthInterceptor;
import dev.hardening.auth.servlet.BearerAuthFilter;
import dev.hardening.auth.servlet.CorsFilter;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.hardening.testkit.FakeTime;

/** Servlet filters, gRPC interceptor and the dev issuer, with small recording fakes. */
class IntegrationsTest {

    private final TokenVerifier verifier = TokenVerifierAttackTest.verifier(TestKeys.standardJwks());

    /** A recording servlet request/response pair built on dynamic proxies. */
    static final class FakeExchange {
        final Map<String, List<String>> requestHeaders = new HashMap<>();
        final Map<String, Object> attributes = new HashMap<>();
        final Map<String, String> responseHeaders = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        String method = "GET";
        int status = 200;

        HttpServletRequest request() {
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                    (p, m, a) -> {
                        switch (m.getName()) {
                            case "getHeaders":
                                return Collections.enumeration(requestHeaders.getOrDefault((String) a[0], List.of()));
                            case "getHeader":
                                List<String> v = requestHeaders.get((String) a[0]);
                                return v == null ? null : v.get(0);
                            case "getMethod":
                                return method;
                            case "getAttribute":
                                return attributes.get((String) a[0]);
                            case "setAttribute":
                                attributes.put((String) a[0], a[1]);
                                return null;
                            default:
                                throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }

        HttpServletResponse response() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener l) {
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (p, m, a) -> {
                        switch (m.getName()) {
                            case "setStatus":
                                status = (Integer) a[0];
                                return null;
                            case "setHeader":
                                responseHeaders.put((String) a[0], (String) a[1]);
                                return null;
                            case "getOutputStream":
                                return out;
                            case "isCommitted":
                                return false;
                            case "setContentType":
                            case "setContentLength":
                            case "reset":
                                return null;
                            default:
                                throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }
    }

    @Test
    void servletFilterPassesVerifiedTokenOrAnswersWithAChallenge() throws Exception {
        BearerAuthFilter filter = BearerAuthFilter.of(verifier);
        AtomicReference<VerifiedToken> seen = new AtomicReference<>();
        FilterChain chain = (req, res) -> seen.set(BearerAuthFilter.token((HttpServletRequest) req));

        FakeExchange ok = new FakeExchange();
        ok.requestHeaders.put("Authorization", List.of("Bearer " + Jwt.token().sign(TestKeys.RSA)));
        filter.doFilter(ok.request(), ok.response(), chain);
        assertThat(seen.get().subject()).isEqualTo("alice");

        FakeExchange bad = new FakeExchange();
        bad.requestHeaders.put("Authorization", List.of("Bearer " + Jwt.token().sign(TestKeys.RSA_2).replace("rsa1", "rsa2")));
        seen.set(null);
        filter.doFilter(bad.request(), bad.response(), chain);
        assertThat(seen.get()).isNull();
        assertThat(bad.status).isEqualTo(401);
        assertThat(bad.responseHeaders.get("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(bad.body.toString(StandardCharsets.UTF_8)).contains("\"status\":401");

        FakeExchange scope = new FakeExchange();
        scope.requestHeaders.put("Authorization", List.of("Bearer " + Jwt.token().sign(TestKeys.RSA)));
        filter.doFilter(scope.request(), scope.response(),
                (req, res) -> BearerAuthFilter.token((HttpServletRequest) req).requireScope("admin"));
        assertThat(scope.status).isEqualTo(403);
    }

    @Test
    void servletCorsFilterAnswersPreflights() throws Exception {
        CorsFilter cors = CorsFilter.of(CorsPolicy.builder(AppEnvironment.PRODUCTION).allowOrigins("https://app.example.com").build());
        FakeExchange pre = new FakeExchange();
        pre.method = "OPTIONS";
        pre.requestHeaders.put("Origin", List.of("https://app.example.com"));
        pre.requestHeaders.put("Access-Control-Request-Method", List.of("POST"));
        cors.doFilter(pre.request(), pre.response(), (req, res) -> {
            throw new AssertionError("preflight must not reach the handler");
        });
        assertThat(pre.status).isEqualTo(204);
        assertThat(pre.responseHeaders).containsEntry("Access-Control-Allow-Origin", "https://app.example.com");
    }

    /** Records what the interceptor does to a call. */
    static final class RecordingCall extends ServerCall<String, String> {
        Status closedWith;
        Metadata trailers;

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(String message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
            this.closedWith = status;
            this.trailers = trailers;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            return null;
        }
    }

    @Test
    void grpcInterceptorPutsTheTokenInTheContextOrClosesTheCall() {
        BearerAuthInterceptor interceptor = BearerAuthInterceptor.of(verifier);
        Metadata.Key<String> auth = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        AtomicReference<VerifiedToken> seen = new AtomicReference<>();

        Metadata good = new Metadata();
        good.put(auth, "Bearer " + Jwt.token().sign(TestKeys.RSA));
        RecordingCall call = new RecordingCall();
        interceptor.interceptCall(call, good, (c, h) -> {
            seen.set(BearerAuthInterceptor.TOKEN.get());
            return new ServerCall.Listener<String>() { };
        });
        assertThat(seen.get().subject()).isEqualTo("alice");
        assertThat(call.closedWith).isNull();

        RecordingCall missing = new RecordingCall();
        interceptor.interceptCall(missing, new Metadata(), (c, h) -> {
            throw new AssertionError("must not be called");
        });
        assertThat(missing.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        Metadata expired = new Metadata();
        expired.put(auth, "Bearer " + Jwt.token().claim("exp", Jwt.NOW.getEpochSecond() - 600)
                .claim("iat", Jwt.NOW.getEpochSecond() - 1200).sign(TestKeys.RSA));
        RecordingCall rejected = new RecordingCall();
        interceptor.interceptCall(rejected, expired, (c, h) -> {
            throw new AssertionError("must not be called");
        });
        assertThat(rejected.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(rejected.closedWith.getDescription()).isEqualTo("expired");
        assertThat(rejected.trailers.get(Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER)))
                .contains("invalid_token");
    }

    @Test
    void devIssuerKeyIsGeneratedOnceAndTrustedAfterARestart(@TempDir Path dir) {
        FakeTime clock = FakeTime.startingAt(Jwt.NOW);
        DevIssuer first = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, dir), "orders-api", clock);
        String token = first.mint("alice", DevIssuer.DEFAULT_TTL);

        DevIssuer afterRestart = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, dir), "orders-api", clock);
        TokenVerifier v = TokenVerifier.builder().issuer(afterRestart.policy().build()).timeSource(clock).build();
        VerifiedToken t = v.verify(token);
        assertThat(t.subject()).isEqualTo("alice");
        assertThat(t.type()).contains("at+jwt");
        assertThat(afterRestart.jwksJson()).doesNotContain("\"d\"");
        assertThatThrownBy(() -> first.mint("alice\"}", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DevSecretStore.forEnvironment(AppEnvironment.PRODUCTION, dir)).isInstanceOf(IllegalStateException.class);
        v.close();
    }
}
