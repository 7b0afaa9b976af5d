package dev.hardening.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hardening.spring.app.TestApplication;
import dev.hardening.spring.autoconfigure.HardeningRateLimitAutoConfiguration;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The full context of an application with Spring Boot's default resource server chain: with the
 * starter's decoder the rate limit runs before Spring Security (an anonymous or badly-authenticated
 * caller over the limit gets 429, not 401; authenticated callers are keyed by subject) and each
 * request's token is verified exactly once, counted by the verifier's own meter; with the
 * application's own {@code JwtDecoder} it runs after Spring Security, keyed by the principal.
 */
@SpringBootTest(classes = {TestApplication.class, RateLimitBeforeSecurityTest.Registry.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitBeforeSecurityTest {

    static final WireMockServer IDP = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static final TestIssuer ISSUER;

    static {
        IDP.start();
        ISSUER = new TestIssuer("http://127.0.0.1:" + IDP.port() + "/idp", "rb-1");
        IDP.stubFor(get("/idp/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(ISSUER.jwks())));
    }

    /** The application's registry, so the verifier's verifications are counted. */
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
        r.add("hardening.rate-limit.backend", () -> "memory"); // Spring Data Redis is on the test class path: never 6379
        r.add("hardening.rate-limit.limits", () -> "2/1m,100/1h");
        r.add("hardening.auth.issuers[0].issuer-uri", () -> ISSUER.issuer);
        r.add("hardening.auth.issuers[0].jwk-set-uri", () -> ISSUER.issuer + "/jwks");
        r.add("hardening.auth.issuers[0].audiences", () -> "orders-api");
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
    ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();

    static HttpResponse<String> me(HttpClient http, int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> me(String token) throws Exception {
        return me(http, port, token);
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
        throw new AssertionError("no meter " + name + " " + String.join(",", tags));
    }

    static int order(ApplicationContext context) {
        return ((FilterRegistrationBean<?>) context.getBean("hardeningRateLimitFilter")).getOrder();
    }

    static void assertLimited(HttpResponse<String> r, String token) {
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).get().asString().matches("\\d+");
        assertThat(r.headers().firstValue("RateLimit")).isPresent();
        assertThat(r.headers().firstValue("RateLimit-Policy")).get().asString().contains("2/1m");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).as("limited, not challenged").isEmpty();
        assertThat(r.body()).contains("\"status\":429").doesNotContain("Exception");
        if (token != null) {
            assertThat(r.body()).doesNotContain(token);
        }
    }

    /*
     * One test: the requests share the one address 127.0.0.1 and one limiter, so their order is the
     * scenario (anonymous and rejected callers use the address's quota; alice and bob their own).
     */
    @Test
    void limitsBeforeSpringSecurityKeyedBySubjectElseAddressVerifyingEachTokenOnce() throws Exception {
        assertThat(order(context)).isEqualTo(HardeningRateLimitAutoConfiguration.FILTER_ORDER).isLessThan(-100);

        String alice = ISSUER.token("alice", "orders-api", null, Duration.ofMinutes(5));
        String bob = ISSUER.token("bob", "orders-api", null, Duration.ofMinutes(5));
        String wrongAudience = ISSUER.token("mallory", "billing-api", null, Duration.ofMinutes(5));

        // the address: one anonymous request and one with a rejected token are allowed, then limited
        HttpResponse<String> anonymous = me(null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("RateLimit")).as("counted before Spring Security answered").isPresent();
        HttpResponse<String> rejected = me(wrongAudience);
        assertThat(rejected.statusCode()).isEqualTo(401);
        assertThat(rejected.headers().firstValue("WWW-Authenticate")).get().asString().contains("wrong_audience");
        assertLimited(me(null), null);
        assertLimited(me(wrongAudience), wrongAudience);
        assertLimited(me("not.a.token"), null);
        assertLimited(me(alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA"), null);
        // a DPoP request that the DPoP filter refuses (no proof) is counted and limited the same way
        HttpResponse<String> dpop = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .header("Authorization", "DPoP " + alice).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertLimited(dpop, alice);

        // two subjects from that same, exhausted address: each its own quota
        assertThat(me(alice).statusCode()).isEqualTo(200);
        HttpResponse<String> second = me(alice);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"sub\":\"alice\"");
        assertLimited(me(alice), alice);
        assertThat(me(bob).statusCode()).as("another subject from the same address").isEqualTo(200);

        // once per request: alice 3 + bob 1 accepted; the wrong audience twice, the bad signature, the
        // malformed token and the DPoP request without a proof once each rejected; the anonymous
        // requests never reach the verifier
        assertThat(count("hardening.auth.token.verifications", "outcome", "accepted")).isEqualTo(4);
        assertThat(count("hardening.auth.token.verifications", "outcome", "rejected")).isEqualTo(5);
        assertThat(count("hardening.auth.token.rejections", "reason", "wrong_audience")).isEqualTo(2);
        assertThat(count("hardening.ratelimit.decisions", "limiter", "api", "outcome", "allowed", "source", "local"))
                .as("address 2, alice 2, bob 1").isEqualTo(5);
        assertThat(count("hardening.ratelimit.decisions", "limiter", "api", "outcome", "denied", "source", "local"))
                .as("address 5, alice 1").isEqualTo(6);
    }

    /** The application's own decoder: Spring's, for the same issuer. */
    @Configuration(proxyBeanMethods = false)
    static class OwnDecoder {
        @Bean
        JwtDecoder jwtDecoder() {
            return NimbusJwtDecoder.withJwkSetUri(ISSUER.issuer + "/jwks").build();
        }
    }

    @Test
    void withTheApplicationsOwnDecoderLimitsAfterSpringSecurityKeyedByPrincipal() throws Exception {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApplication.class, OwnDecoder.class)
                .registerShutdownHook(false)
                .properties("server.port=0", "server.address=127.0.0.1", "hardening.environment=test",
                        "hardening.rate-limit.backend=memory", "hardening.rate-limit.limits=2/1m,100/1h",
                        "hardening.auth.issuers[0].issuer-uri=" + ISSUER.issuer,
                        "hardening.auth.issuers[0].jwk-set-uri=" + ISSUER.issuer + "/jwks",
                        "hardening.auth.issuers[0].audiences=orders-api")
                .run()) {
            assertThat(ctx.getBean(JwtDecoder.class)).isInstanceOf(NimbusJwtDecoder.class);
            assertThat(order(ctx)).isEqualTo(HardeningRateLimitAutoConfiguration.AFTER_SECURITY_FILTER_ORDER)
                    .isGreaterThan(-100);
            int own = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> anonymous = me(http, own, null);
                assertThat(anonymous.statusCode()).as("Spring Security answers before the limit").isEqualTo(401);
                assertThat(anonymous.headers().firstValue("RateLimit")).isEmpty();
            }
            String alice = ISSUER.token("alice", "orders-api", null, Duration.ofMinutes(5));
            assertThat(me(http, own, alice).statusCode()).isEqualTo(200);
            assertThat(me(http, own, alice).statusCode()).isEqualTo(200);
            assertLimited(me(http, own, alice), alice);
            assertThat(me(http, own, ISSUER.token("bob", "orders-api", null, Duration.ofMinutes(5))).statusCode())
                    .as("keyed by principal").isEqualTo(200);
        }
    }
}
