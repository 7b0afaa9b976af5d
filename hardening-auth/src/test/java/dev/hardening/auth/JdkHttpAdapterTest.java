package dev.hardening.auth;

import static dev.hardening.auth.Jwt.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.jdkhttp.BearerAuthFilter;
import dev.hardening.auth.jdkhttp.CorsFilter;
import dev.hardening.auth.jdkhttp.WebhookFilter;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hardening.testkit.FakeTime;

/** The JDK HttpServer adapters on a real server bound to loopback. */
class JdkHttpAdapterTest {

    private HttpServer server;
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newFixedThreadPool(4);
    private TokenVerifier verifier;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Optional<Secret>> webhookSecret = new AtomicReference<>(Optional.empty());
    private final AtomicInteger delivered = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        verifier = TokenVerifierAttackTest.verifier(TestKeys.standardJwks());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var me = server.createContext("/api/v1/me", ex -> {
            VerifiedToken t = BearerAuthFilter.token(ex);
            if (ex.getRequestURI().getQuery() != null) {
                t.requireScope("admin");
            }
            send(ex, 200, "{\"sub\":\"" + t.subject() + "\"}");
        });
        me.getFilters().add(CorsFilter.of(CorsPolicy.builder(AppEnvironment.PRODUCTION).allowOrigins("https://app.example.com").build()));
        me.getFilters().add(BearerAuthFilter.of(verifier));
        server.createContext("/webhooks/github", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            assertThat(body).isEqualTo(WebhookFilter.body(ex));
            delivered.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        }).getFilters().add(WebhookFilter.of(GitHubWebhookVerifier.of("WEBHOOK_SECRET", webhookSecret::get), 1024));
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
        verifier.close();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void handsTheVerifiedTokenToTheHandler() throws Exception {
        HttpResponse<String> r = get("/api/v1/me", "Authorization", "Bearer " + Jwt.token().sign(TestKeys.RSA));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"sub\":\"alice\"}");
    }

    @Test
    void identifyingFilterLetsEveryoneThroughAndTheRejectingFilterReusesItsVerification() throws Exception {
        AtomicInteger verifications = new AtomicInteger();
        TokenVerifier counting = (TokenVerifier) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TokenVerifier.class}, (proxy, method, args) -> {
                    if (method.getName().equals("verify")) {
                        verifications.incrementAndGet();
                    }
                    try {
                        return method.invoke(verifier, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        var ctx = server.createContext("/api/identified", ex -> send(ex, 200, BearerAuthFilter.token(ex).subject()));
        ctx.getFilters().add(BearerAuthFilter.identifying(counting));
        ctx.getFilters().add(new com.sun.net.httpserver.Filter() {
            @Override
            public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                Object subject = ex.getAttribute(BearerAuthFilter.SUBJECT_ATTRIBUTE);
                seen.add(subject == null ? "anonymous" : subject);
                chain.doFilter(ex);
            }

            @Override
            public String description() {
                return "records the caller";
            }
        });
        ctx.getFilters().add(BearerAuthFilter.of(counting));

        HttpResponse<String> ok = get("/api/identified", "Authorization", "Bearer " + Jwt.token().sign(TestKeys.RSA));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("alice");
        assertThat(verifications).hasValue(1);

        HttpResponse<String> anonymous = get("/api/identified");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        String expired = Jwt.token().claim("exp", NOW.getEpochSecond() - 3600).claim("iat", NOW.getEpochSecond() - 7200)
                .sign(TestKeys.RSA);
        HttpResponse<String> bad = get("/api/identified", "Authorization", "Bearer " + expired);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate")).get().asString().contains("invalid_token");
        assertThat(verifications).as("a rejected token is verified once per request, not once per filter").hasValue(2);
        assertThat(seen).containsExactly("alice", "anonymous", "anonymous");
    }

    @Test
    void concurrentRequestsNeverSeeEachOthersToken() throws Exception {
        // JDK 17 keeps exchange attributes in the context's shared map; the filter must not. Two
        // requests meet at a barrier after both were authenticated, then each reads its token.
        java.util.concurrent.CyclicBarrier bothAuthenticated = new java.util.concurrent.CyclicBarrier(2);
        var ctx = server.createContext("/api/whoami", ex -> {
            try {
                bothAuthenticated.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                send(ex, 500, "barrier: " + e);
                return;
            }
            String claimed = ex.getRequestHeaders().getFirst("X-Expected");
            String seen = BearerAuthFilter.token(ex).subject();
            send(ex, 200, claimed.equals(seen) ? "match" : "mismatch " + claimed + " saw " + seen);
        });
        ctx.getFilters().add(BearerAuthFilter.of(verifier));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                java.util.List<java.util.concurrent.Future<String>> pair = new java.util.ArrayList<>();
                for (String who : new String[] {"alice-" + round, "bob-" + round}) {
                    String token = Jwt.token().claim("sub", who).sign(TestKeys.RSA);
                    pair.add(pool.submit(() -> get("/api/whoami", "Authorization", "Bearer " + token, "X-Expected", who).body()));
                }
                for (java.util.concurrent.Future<String> r : pair) {
                    assertThat(r.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("match");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void answersRfc6750Challenges() throws Exception {
        HttpResponse<String> none = get("/api/v1/me");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"api\"");

        String expired = Jwt.token().claim("exp", NOW.getEpochSecond() - 3600).claim("iat", NOW.getEpochSecond() - 7200)
                .sign(TestKeys.RSA);
        HttpResponse<String> bad = get("/api/v1/me", "Authorization", "Bearer " + expired);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"expired\"");
        assertThat(bad.body()).contains("\"code\":\"expired\"").doesNotContain(expired.substring(0, 30));

        HttpResponse<String> malformed = get("/api/v1/me", "Authorization", "Bearer a b c");
        assertThat(malformed.statusCode()).isEqualTo(400);

        HttpResponse<String> scope = get("/api/v1/me?admin", "Authorization", "Bearer " + Jwt.token().sign(TestKeys.RSA));
        assertThat(scope.statusCode()).isEqualTo(403);
        assertThat(scope.headers().firstValue("WWW-Authenticate")).get().asString().contains("insufficient_scope");
    }

    @Test
    void answers503WhenKeysAreUnavailable() throws Exception {
        HttpServer down = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String issuer = "http://127.0.0.1:" + down.getAddress().getPort();
        down.stop(0);
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.jwksUri(issuer, URI.create(issuer + "/keys")).audience(Jwt.AUDIENCE).build())
                .timeSource(FakeTime.startingAt(NOW))
                .jwks(JwksSettings.builder().initialBackoff(java.time.Duration.ofMillis(1)).build())
                .build();
        server.createContext("/down", ex -> send(ex, 200, "unreachable")).getFilters().add(BearerAuthFilter.of(v));
        HttpResponse<String> r = get("/down", "Authorization", "Bearer " + Jwt.token().claim("iss", issuer).sign(TestKeys.RSA));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        v.close();
    }

    @Test
    void webhookAnswers503WhileTheSecretIsUnsetAndFollowsRotation() throws Exception {
        String body = "{\"action\":\"opened\"}";
        Secret old = Secret.of("old-secret-value-0123456789");
        HttpResponse<String> unset = post("/webhooks/github", body, "X-Hub-Signature-256",
                GitHubWebhookVerifier.sign(old, body.getBytes(StandardCharsets.UTF_8)));
        assertThat(unset.statusCode()).isEqualTo(503);
        assertThat(delivered).hasValue(0);

        webhookSecret.set(Optional.of(old));
        assertThat(post("/webhooks/github", body, "X-Hub-Signature-256",
                GitHubWebhookVerifier.sign(old, body.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(204);
        assertThat(post("/webhooks/github", body).statusCode()).isEqualTo(401);
        assertThat(post("/webhooks/github", body + " ", "X-Hub-Signature-256",
                GitHubWebhookVerifier.sign(old, body.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
        assertThat(post("/webhooks/github", "x".repeat(2000), "X-Hub-Signature-256", "sha256=00").statusCode()).isEqualTo(413);

        Secret rotated = Secret.of("new-secret-value-9876543210").withPrevious(java.util.List.of(old));
        webhookSecret.set(Optional.of(rotated));
        assertThat(post("/webhooks/github", body, "X-Hub-Signature-256",
                GitHubWebhookVerifier.sign(old, body.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(204);
        assertThat(post("/webhooks/github", body, "X-Hub-Signature-256",
                GitHubWebhookVerifier.sign(Secret.of("new-secret-value-9876543210"), body.getBytes(StandardCharsets.UTF_8)))
                .statusCode()).isEqualTo(204);
        assertThat(delivered).hasValue(3);
    }

    @Test
    void corsPreflightAndActualRequests() throws Exception {
        HttpResponse<String> pre = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                        + "/api/v1/me")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
        assertThat(pre.headers().firstValue("Access-Control-Max-Age")).contains("600");

        HttpResponse<String> evil = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                        + "/api/v1/me")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com").header("Access-Control-Request-Method", "GET").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> actual = get("/api/v1/me", "Origin", "https://app.example.com", "Authorization",
                "Bearer " + Jwt.token().sign(TestKeys.RSA));
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
        assertThat(actual.headers().firstValue("Vary")).contains("Origin");
    }
}
