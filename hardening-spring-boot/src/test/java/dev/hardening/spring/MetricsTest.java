package dev.hardening.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.spring.app.TestApplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a {@code MeterRegistry} in the context, hardening-micrometer's meters are bound to every
 * component the starter built, and each request driven through the real server moves exactly the
 * counters it should.
 */
@SpringBootTest(classes = {TestApplication.class, MetricsTest.Registry.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsTest {

    static final WireMockServer IDP = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static final TestIssuer ISSUER;
    static final String SECRET = WebhookTest.randomHex(20);

    static {
        IDP.start();
        ISSUER = new TestIssuer("http://127.0.0.1:" + IDP.port() + "/idp", "k-1");
        IDP.stubFor(get("/idp/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(ISSUER.jwks())));
    }

    /** The application's registry. */
    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("hardening.environment", () -> "test");
        r.add("server.address", () -> "127.0.0.1");
        r.add("hardening.rate-limit.backend", () -> "memory");
        r.add("hardening.rate-limit.limits", () -> "2/1h");
        r.add("hardening.auth.issuers[0].issuer-uri", () -> ISSUER.issuer);
        r.add("hardening.auth.issuers[0].jwk-set-uri", () -> ISSUER.issuer + "/jwks");
        r.add("hardening.auth.issuers[0].audiences", () -> "orders-api");
        r.add("hardening.webhooks.github.paths", () -> "/webhooks/github");
        r.add("WEBHOOK_SECRET", () -> SECRET);
    }

    @AfterAll
    static void stop() {
        IDP.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Autowired
    TokenVerifier verifier;

    private final HttpClient http = HttpClient.newHttpClient();

    int me(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    int hook(String body, String signature, String delivery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("X-Hub-Signature-256", signature).header("X-GitHub-Delivery", delivery)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    double count(String name, String... tags) {
        io.micrometer.core.instrument.search.Search s = registry.find(name).tags(tags);
        if (s.counter() != null) {
            return s.counter().count();
        }
        if (s.functionCounter() != null) {
            return s.functionCounter().count();
        }
        if (s.timer() != null) {
            return s.timer().count();
        }
        if (s.gauge() != null) {
            return s.gauge().value();
        }
        throw new AssertionError("no meter " + name + " " + String.join(",", tags));
    }

    @Test
    void countsEveryDecisionOfTheStartersComponentsExactly() throws Exception {

        String alice = ISSUER.token("alice", "orders-api", null, Duration.ofMinutes(5));
        assertThat(me(alice)).isEqualTo(200);
        assertThat(me(ISSUER.token("alice", "billing-api", null, Duration.ofMinutes(5)))).isEqualTo(401);
        assertThat(me(alice)).isEqualTo(200);
        assertThat(me(alice)).as("third request of alice within the hour").isEqualTo(429);
        String body = "{\"zen\":\"ok\"}";
        assertThat(hook(body, WebhookTest.sign(SECRET, body), "d-1")).isEqualTo(204);
        assertThat(hook(body, WebhookTest.sign(SECRET, body), "d-1")).isEqualTo(200);
        assertThat(hook(body, WebhookTest.sign(SECRET, body + "x"), "d-2")).isEqualTo(401);

        assertThat(count("hardening.auth.token.verifications", "outcome", "accepted")).isEqualTo(3);
        assertThat(count("hardening.auth.token.verifications", "outcome", "rejected")).isEqualTo(1);
        assertThat(count("hardening.auth.token.rejections", "reason", "wrong_audience")).isEqualTo(1);
        assertThat(count("hardening.auth.token.rejections", "reason", "expired")).isZero();
        assertThat(count("hardening.auth.token.cache.lookups", "result", "hit")).as("alice's second and third request")
                .isEqualTo(2);
        assertThat(count("hardening.auth.token.cache.lookups", "result", "miss")).isEqualTo(2);
        assertThat(count("hardening.auth.token.cache.size")).isEqualTo(1);
        assertThat(count("hardening.auth.jwks.fetches", "issuer", ISSUER.issuer, "outcome", "success")).isEqualTo(1);
        // a slow first answer of WireMock on a busy machine can time out and be retried: the meter is the verifier's own count
        assertThat(count("hardening.auth.jwks.fetches", "issuer", ISSUER.issuer, "outcome", "failure"))
                .isEqualTo(verifier.status().get(0).fetchFailures());
        assertThat(count("hardening.auth.jwks.events", "type", "fetch_succeeded")).isEqualTo(1);
        assertThat(count("hardening.auth.jwks.state", "issuer", ISSUER.issuer, "state", "fresh")).isEqualTo(1);

        assertThat(count("hardening.ratelimit.decisions", "limiter", "api", "outcome", "allowed", "source", "local"))
                .as("alice twice and the rejected token, keyed by address before Spring Security answered").isEqualTo(3);
        assertThat(count("hardening.ratelimit.decisions", "limiter", "api", "outcome", "denied", "source", "local")).isEqualTo(1);
        assertThat(count("hardening.ratelimit.breaker.state", "limiter", "api", "state", "none")).isEqualTo(1);
        assertThat(count("hardening.ratelimit.fallback.activations", "limiter", "api")).isZero();

        assertThat(count("hardening.auth.webhook.verifications", "webhook", "github", "outcome", "accepted")).isEqualTo(2);
        assertThat(count("hardening.auth.webhook.verifications", "webhook", "github", "outcome", "rejected")).isEqualTo(1);
        assertThat(count("hardening.auth.webhook.rejections", "webhook", "github", "reason", "bad_signature")).isEqualTo(1);
        assertThat(count("hardening.dedup.checks", "store", "github", "outcome", "first")).isEqualTo(1);
        assertThat(count("hardening.dedup.checks", "store", "github", "outcome", "duplicate")).isEqualTo(1);

        assertThat(count("hardening.config.findings", "status", "fail")).isZero();
        assertThat(count("hardening.config.findings", "status", "pass")).isPositive();
        // the issuer tag is the configured issuer URL (here on 127.0.0.1); no other tag holds a caller's data
        assertThat(registry.getMeters()).allSatisfy(m -> m.getId().getTags().stream()
                .filter(t -> !t.getKey().equals("issuer"))
                .forEach(t -> assertThat(t.getValue()).doesNotContain("alice").doesNotContain("127.0.0.1")
                        .doesNotContain("d-1").doesNotContain(SECRET)));
    }

    /** The application's own instrumentation bean replaces the starter's. */
    @Configuration(proxyBeanMethods = false)
    static class OwnInstrumentation {
        @Bean
        dev.hardening.spring.internal.StarterInstrumentation hardeningInstrumentation() {
            return dev.hardening.spring.internal.StarterInstrumentation.NONE;
        }
    }

    @Test
    void bindsNothingWhenDisabledOrWhenTheApplicationDefinesItsOwn() {
        for (Object[] variant : new Object[][] {
                {new Class<?>[] {TestApplication.class, Registry.class}, "hardening.metrics.enabled=false"},
                {new Class<?>[] {TestApplication.class, Registry.class, OwnInstrumentation.class}, "hardening.metrics.enabled=true"}}) {
            try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder((Class<?>[]) variant[0])
                    .registerShutdownHook(false)
                    .properties("server.port=0", "server.address=127.0.0.1", "hardening.environment=test",
                            "hardening.rate-limit.backend=memory", (String) variant[1],
                            "hardening.auth.issuers[0].issuer-uri=" + ISSUER.issuer,
                            "hardening.auth.issuers[0].jwk-set-uri=" + ISSUER.issuer + "/jwks",
                            "hardening.auth.issuers[0].audiences=orders-api")
                    .run()) {
                MeterRegistry own = ctx.getBean(MeterRegistry.class);
                assertThat(own.getMeters()).as(String.valueOf(variant[1]))
                        .noneMatch(m -> m.getId().getName().startsWith("hardening."));
                assertThat(ctx.getBean(TokenVerifier.class).getClass().getName()).doesNotContain("Metered");
            }
        }
    }
}
