package dev.hardening.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.redis.RedisBackend;
import dev.hardening.spring.app.TestApplication;
import dev.hardening.config.FindingStatus;
import dev.hardening.spring.autoconfigure.HardeningRateLimitAutoConfiguration;
import dev.hardening.spring.internal.StartupReportEnforcer;
import dev.hardening.testkit.RedisServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The full context of an application whose only Redis configuration is Spring Data Redis's own
 * ({@code spring.data.redis.*}, pointing at a real redis-server from the test kit) and WireMock as
 * the identity provider: the starter limits {@code /api/**} per principal, in that Redis.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitTest {

    static final WireMockServer IDP = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static final RedisServers.Server REDIS = RedisServers.standalone();
    static final TestIssuer ISSUER;

    static {
        IDP.start();
        ISSUER = new TestIssuer("http://127.0.0.1:" + IDP.port() + "/idp", "rl-1"); // not localhost: no IPv6 retry
        IDP.stubFor(get("/idp/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(ISSUER.jwks())));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("hardening.environment", () -> "test");
        r.add("server.address", () -> "127.0.0.1");
        r.add("hardening.auth.issuers[0].issuer-uri", () -> ISSUER.issuer);
        r.add("hardening.auth.issuers[0].jwk-set-uri", () -> ISSUER.issuer + "/jwks");
        r.add("hardening.auth.issuers[0].audiences", () -> "orders-api");
        r.add("hardening.rate-limit.limits", () -> "2/1m,100/1h");
        r.add("spring.data.redis.host", () -> "127.0.0.1");
        r.add("spring.data.redis.port", () -> Integer.toString(REDIS.port()));
    }

    @AfterAll
    static void stop() {
        IDP.stop();
        REDIS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    RateLimiting rateLimiting;

    private final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> me(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void limitsEachPrincipalInSpringDataRedissServerWithTheSame429() throws Exception {
        assertThat(rateLimiting.shared()).isPresent();
        assertThat(rateLimiting.shared().get().description()).contains("127.0.0.1:" + REDIS.port());
        assertThat(((RedisBackend) rateLimiting.shared().get()).awaitConnected(Duration.ofSeconds(10)))
                .as("the limiter connects to Spring Data Redis's server in the background").isTrue();
        String alice = ISSUER.token("alice", "orders-api", null, Duration.ofMinutes(5));
        String bob = ISSUER.token("bob", "orders-api", null, Duration.ofMinutes(5));

        HttpResponse<String> first = me(alice);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("RateLimit-Policy")).isPresent();
        assertThat(first.headers().firstValue("RateLimit")).isPresent();
        assertThat(me(alice).statusCode()).isEqualTo(200);

        HttpResponse<String> over = me(alice);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).isPresent();
        assertThat(over.headers().firstValue("RateLimit")).isPresent();
        assertThat(over.headers().firstValue("RateLimit-Policy")).isPresent();
        assertThat(over.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(over.body()).contains("\"status\":429").doesNotContain(alice).doesNotContain("Exception");

        assertThat(me(bob).statusCode()).as("keyed by principal, not by the shared address").isEqualTo(200);
        // the counts are Redis's: a decision for alice's key through the same limiter comes from Redis
        assertThat(rateLimiting.limiter().tryAcquire("sub:alice").source()).isEqualTo(DecisionSource.REDIS);
        assertThat(rateLimiting.limiter().tryAcquire("sub:alice").allowed()).isFalse();
    }

    @Autowired
    StartupReportEnforcer reports;

    @Test
    void theReportSaysThatSpringDataRedisAnsweredAtBoot() {
        assertThat(reports.report().lines())
                .filteredOn(l -> l.finding().id().equals(HardeningRateLimitAutoConfiguration.REDIS_AT_BOOT_FINDING))
                .singleElement().satisfies(l -> {
                    assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.PASS);
                    assertThat(l.finding().subject()).isEqualTo("spring.data.redis");
                    assertThat(l.finding().detail()).isEqualTo("Redis at 127.0.0.1:" + REDIS.port() + " answered at boot");
                });
    }

    @Test
    void pathsOutsideThePatternsAreNotLimited() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/other"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("RateLimit-Policy")).isEmpty();
            assertThat(r.statusCode()).isNotEqualTo(429);
        }
    }
}
