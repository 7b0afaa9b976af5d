package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.ratelimit.jdkhttp.ExchangeKeyResolver;
import dev.hardening.ratelimit.jdkhttp.RateLimitFilter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JdkHttpRateLimitFilterTest {

    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    private URI start(RateLimitFilter filter) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext ctx = server.createContext("/api", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        ctx.getFilters().add(filter);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/x");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private HttpResponse<String> get(URI uri, String xff) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (xff != null) {
            b.header("X-Forwarded-For", xff);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers429WithRetryAfterDraftFieldsAndProblemBody() throws Exception {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("2/1m")).build();
        URI uri = start(RateLimitFilter.of(rl));
        HttpResponse<String> first = get(uri, null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"2/1m\";q=2;w=60");
        assertThat(first.headers().firstValue("RateLimit")).hasValue("\"2/1m\";r=1;t=30");
        assertThat(get(uri, null).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = get(uri, "9.9.9.9");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(denied.body()).contains("\"status\":429").contains("quota-exceeded");
    }

    @Test
    void believesForwardedForOnlyFromTrustedProxies() throws Exception {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("1/1m"))
                .trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build();
        URI uri = start(RateLimitFilter.builder(rl)
                .keyResolver(ExchangeKeyResolver.clientAddress(rl.trustedProxies())).build());
        assertThat(get(uri, "198.51.100.1").statusCode()).isEqualTo(200);
        assertThat(get(uri, "198.51.100.2").statusCode()).isEqualTo(200);
        assertThat(get(uri, "198.51.100.1").statusCode()).isEqualTo(429);
    }

    @Test
    void shadowModeLetsEverythingThroughAndCounts() throws Exception {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("1/1m")).mode(EnforcementMode.SHADOW).build();
        URI uri = start(RateLimitFilter.of(rl));
        assertThat(RateLimitFilter.of(rl).description()).isEqualTo("rate limit 1/1m (SHADOW)");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = get(uri, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("RateLimit")).isEmpty();
        }
        assertThat(rl.counters().shadowDenied()).isEqualTo(2);
    }

    @Test
    void theDefaultKeyIsTheClientBehindTheTrustedProxies() throws Exception {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("1/1m"))
                .trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build();
        URI uri = start(RateLimitFilter.of(rl));
        assertThat(get(uri, "198.51.100.1").statusCode()).isEqualTo(200);
        assertThat(get(uri, "198.51.100.2").statusCode()).isEqualTo(200);
    }

    @Test
    void failClosedWhileTheSharedBackendIsDownAnswers429WithoutPerLimitFields() throws Exception {
        RateLimiting rl = RateLimiting.builder().shared(new DownBackend()).fallback(FallbackMode.CLOSED).build();
        URI uri = start(RateLimitFilter.of(rl));
        HttpResponse<String> r = get(uri, null);
        // the RateLimiting limiter never throws: fail-closed answers 429 without per-limit fields
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("RateLimit")).isEmpty();
    }
}
