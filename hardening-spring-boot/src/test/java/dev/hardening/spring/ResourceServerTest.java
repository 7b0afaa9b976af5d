package dev.hardening.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hardening.spring.app.TestApplication;
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
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The full context of an application with no hardening code, Spring Boot's default resource
 * server chain, and WireMock as two identity providers (one whose JWKS endpoint is down).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResourceServerTest {

    static final WireMockServer IDP = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static final TestIssuer GOOD;
    static final TestIssuer DOWN;

    static {
        IDP.start();
        GOOD = new TestIssuer(IDP.baseUrl() + "/good", "good-1");
        DOWN = new TestIssuer(IDP.baseUrl() + "/down", "down-1");
        IDP.stubFor(get("/good/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(GOOD.jwks())));
        IDP.stubFor(get("/down/jwks").willReturn(aResponse().withStatus(503)));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("hardening.environment", () -> "test");
        r.add("hardening.allow-dev-on-network", () -> "true");
        r.add("hardening.rate-limit.backend", () -> "memory"); // Spring Data Redis is on the test class path: never 6379
        r.add("hardening.auth.issuers[0].issuer-uri", () -> GOOD.issuer);
        r.add("hardening.auth.issuers[0].jwk-set-uri", () -> GOOD.issuer + "/jwks");
        r.add("hardening.auth.issuers[0].audiences", () -> "orders-api");
        r.add("hardening.auth.issuers[1].issuer-uri", () -> DOWN.issuer);
        r.add("hardening.auth.issuers[1].jwk-set-uri", () -> DOWN.issuer + "/jwks");
        r.add("hardening.auth.issuers[1].audiences", () -> "orders-api");
    }

    @AfterAll
    static void stop() {
        IDP.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    JwtDecoder decoder;

    private final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> me(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theResourceServerUsesTheHardeningDecoder() {
        assertThat(decoder).isInstanceOf(HardeningJwtDecoder.class);
    }

    @Test
    void acceptsAValidTokenAndMapsScopesToAuthorities() throws Exception {
        HttpResponse<String> r = me("Bearer " + GOOD.token("alice", "orders-api", "orders:read profile", Duration.ofMinutes(5)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"sub\":\"alice\"").contains("\"aud\":[\"orders-api\"]")
                .contains("SCOPE_orders:read").contains("SCOPE_profile");
    }

    @Test
    void rejectsATokenForAnotherAudienceWithItsReasonCode() throws Exception {
        HttpResponse<String> r = me("Bearer " + GOOD.token("alice", "billing-api", null, Duration.ofMinutes(5)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer").contains("error=\"invalid_token\"").contains("error_description=\"wrong_audience\"");
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(r.body()).contains("\"status\":401").contains("\"code\":\"wrong_audience\"")
                .doesNotContain("Exception").doesNotContain("eyJ");
    }

    @Test
    void rejectsAnExpiredToken() throws Exception {
        HttpResponse<String> r = me("Bearer " + GOOD.token("alice", "orders-api", null, Duration.ofMinutes(-10)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().contains("error_description=\"expired\"");
        assertThat(r.body()).contains("\"code\":\"expired\"");
    }

    @Test
    void rejectsATokenFromAnUnconfiguredIssuer() throws Exception {
        TestIssuer stranger = new TestIssuer("https://stranger.example", "good-1");
        HttpResponse<String> r = me("Bearer " + stranger.token("mallory", "orders-api", null, Duration.ofMinutes(5)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"wrong_issuer\"");
    }

    @Test
    void asksForATokenWithAProblemBodyWhenThereIsNone() throws Exception {
        HttpResponse<String> r = me(null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        assertThat(r.body()).contains("\"status\":401").contains("\"code\":\"missing\"");
    }

    @Test
    void answers503NotA401WhenTheIssuersKeysAreUnavailable() throws Exception {
        HttpResponse<String> r = me("Bearer " + DOWN.token("bob", "orders-api", null, Duration.ofMinutes(5)));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(r.body()).contains("\"status\":503").contains("\"code\":\"keys_unavailable\"")
                .doesNotContain("Exception");
        IDP.verify(com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly(1), getRequestedFor(urlEqualTo("/down/jwks")));
    }
}
