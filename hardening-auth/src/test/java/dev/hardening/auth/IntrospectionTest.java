package dev.hardening.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.hardening.auth.Jwt.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.nimbusds.jose.JWSAlgorithm;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.Secret;
import dev.hardening.testkit.FakeTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection of opaque tokens against WireMock playing the provider's endpoint. */
class IntrospectionTest {

    static final String OPAQUE = "2YotnFZFEjr1zCsicMWpAA";
    static final String PATH = "/oauth2/introspect";

    private final WireMockServer idp = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(8).jettyAcceptors(1));
    private final FakeTime time = FakeTime.startingAt(NOW);
    private final TokenVerifier verifier;

    IntrospectionTest() {
        idp.start();
        // Generous: the first call meets a cold WireMock on a busy machine; the slow case uses its own verifier.
        verifier = verifier(Duration.ofSeconds(30));
    }

    private TokenVerifier verifier(Duration timeout) {
        return TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(Jwt.ISSUER, TestKeys.standardJwks()).audience(Jwt.AUDIENCE).build())
                .introspection(Introspection.builder(URI.create("http://localhost:" + idp.port() + PATH), Jwt.ISSUER)
                        .client("orders-api", Secret.of("s3cret-client-secret:with/odd chars"))
                        .audience(Jwt.AUDIENCE)
                        .timeout(timeout)
                        .maxResponseBytes(4096)
                        .build())
                .timeSource(time)
                .build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        idp.stop();
    }

    private void answer(ResponseDefinitionBuilder response) {
        idp.stubFor(post(PATH).willReturn(response));
    }

    private void answer(String json) {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json));
    }

    private static String active(String extra) {
        return "{\"active\":true,\"iss\":\"" + Jwt.ISSUER + "\",\"aud\":\"" + Jwt.AUDIENCE + "\",\"sub\":\"alice\","
                + "\"scope\":\"orders:read\",\"iat\":" + NOW.getEpochSecond() + ",\"exp\":" + (NOW.getEpochSecond() + 600)
                + extra + "}";
    }

    private int calls() {
        return idp.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
    }

    private void assertRejected(String token, RejectionReason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .satisfies(e -> {
                    assertThat(((TokenRejectedException) e).reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).doesNotContain(token).doesNotContain("s3cret");
                });
    }

    @Test
    void acceptsAnActiveTokenAuthenticatingWithHttpBasic() {
        answer(active(""));
        VerifiedToken t = verifier.verify(OPAQUE);
        assertThat(t.subject()).isEqualTo("alice");
        assertThat(t.issuer()).isEqualTo(Jwt.ISSUER);
        assertThat(t.audiences()).containsExactly(Jwt.AUDIENCE);
        assertThat(t.scopes()).containsExactly("orders:read");
        assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(t.algorithm()).isEqualTo("introspection");
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                "orders-api:s3cret-client-secret%3Awith%2Fodd+chars".getBytes(StandardCharsets.UTF_8));
        idp.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo(basic))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("token=" + OPAQUE + "&token_type_hint=access_token")));
    }

    @Test
    void usesTheClientIdAsSubjectOfAClientCredentialsToken() {
        answer("{\"active\":true,\"client_id\":\"billing-job\",\"aud\":[\"other\",\"" + Jwt.AUDIENCE + "\"],\"exp\":"
                + (NOW.getEpochSecond() + 60) + "}");
        assertThat(verifier.verify(OPAQUE).subject()).isEqualTo("billing-job");
    }

    @Test
    void refusesAnInactiveToken() {
        answer("{\"active\":false}");
        assertRejected(OPAQUE, RejectionReason.INACTIVE);
    }

    @Test
    void refusesAnExpiredTokenEvenWhenTheEndpointSaysActive() {
        answer("{\"active\":true,\"aud\":\"" + Jwt.AUDIENCE + "\",\"sub\":\"alice\",\"exp\":" + (NOW.getEpochSecond() - 1) + "}");
        assertRejected(OPAQUE, RejectionReason.EXPIRED);
    }

    @Test
    void refusesAnotherAudienceOrIssuerOrNoSubject() {
        answer("{\"active\":true,\"aud\":\"billing-api\",\"sub\":\"alice\"}");
        assertRejected("tokenA", RejectionReason.WRONG_AUDIENCE);
        answer("{\"active\":true,\"aud\":\"" + Jwt.AUDIENCE + "\",\"iss\":\"https://evil.example\",\"sub\":\"alice\"}");
        assertRejected("tokenB", RejectionReason.WRONG_ISSUER);
        answer("{\"active\":true,\"aud\":\"" + Jwt.AUDIENCE + "\"}");
        assertRejected("tokenC", RejectionReason.MISSING_CLAIM);
    }

    @Test
    void endpointDownWithNothingCachedIs503() {
        answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertRejected(OPAQUE, RejectionReason.INTROSPECTION_UNAVAILABLE);
        idp.stop();
        assertRejected(OPAQUE, RejectionReason.INTROSPECTION_UNAVAILABLE);
    }

    @Test
    void slowNon200MalformedOrOversizedAnswersAre503() {
        answer(aResponse().withStatus(200).withFixedDelay(5000).withBody(active("")));
        try (TokenVerifier impatient = verifier(Duration.ofMillis(200))) {
            assertThatThrownBy(() -> impatient.verify("slow")).isInstanceOf(IntrospectionUnavailableException.class);
        }
        answer(aResponse().withStatus(500).withBody("{}"));
        assertRejected("status", RejectionReason.INTROSPECTION_UNAVAILABLE);
        answer(aResponse().withStatus(401).withBody("{\"error\":\"invalid_client\"}"));
        assertRejected("client", RejectionReason.INTROSPECTION_UNAVAILABLE);
        answer("<html>login</html>");
        assertRejected("html", RejectionReason.INTROSPECTION_UNAVAILABLE);
        answer("{\"active\":\"true\"}");
        assertRejected("stringly", RejectionReason.INTROSPECTION_UNAVAILABLE);
        answer(active(",\"pad\":\"" + "x".repeat(5000) + "\""));
        assertRejected("oversized", RejectionReason.INTROSPECTION_UNAVAILABLE);
    }

    @Test
    void cachesAnswersByTokenHashAtMostSixtySeconds() {
        answer(active(""));
        verifier.verify(OPAQUE);
        verifier.verify(OPAQUE);
        assertThat(calls()).isEqualTo(1);
        idp.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        time.advance(Duration.ofSeconds(59));
        assertThat(verifier.verify(OPAQUE).subject()).isEqualTo("alice");
        time.advance(Duration.ofSeconds(2));
        assertRejected(OPAQUE, RejectionReason.INTROSPECTION_UNAVAILABLE);
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void cachesNoLongerThanTheTokenLives() {
        answer("{\"active\":true,\"aud\":\"" + Jwt.AUDIENCE + "\",\"sub\":\"alice\",\"exp\":" + (NOW.getEpochSecond() + 10) + "}");
        verifier.verify(OPAQUE);
        time.advance(Duration.ofSeconds(11));
        answer("{\"active\":false}");
        assertRejected(OPAQUE, RejectionReason.INACTIVE);
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void cachesInactiveAnswersToo() {
        answer("{\"active\":false}");
        assertRejected(OPAQUE, RejectionReason.INACTIVE);
        assertRejected(OPAQUE, RejectionReason.INACTIVE);
        assertThat(calls()).isEqualTo(1);
    }

    @Test
    void neverIntrospectsJwtShapedTokens() {
        answer(active(""));
        assertThat(verifier.verify(Jwt.token().sign(TestKeys.RSA)).algorithm()).isEqualTo("RS256");
        assertRejected(Jwt.token().sign(TestKeys.RSA_2), RejectionReason.BAD_SIGNATURE);
        assertThat(calls()).isZero();
    }

    @Test
    void refusesAnOversizedOpaqueTokenWithoutCallingTheEndpoint() {
        answer(active(""));
        assertRejected("a".repeat(TokenVerifier.DEFAULT_MAX_TOKEN_BYTES + 1), RejectionReason.TOO_LARGE);
        assertThat(calls()).isZero();
    }

    @Test
    void anIntrospectedTokenBoundToAKeyNeedsItsDpopProof() {
        answer(active(",\"cnf\":{\"jkt\":\"" + DpopTest.jkt(DpopTest.CLIENT) + "\"}"));
        assertRejected(OPAQUE, RejectionReason.DPOP_BOUND_TOKEN);
        String proof = DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.CLIENT), JWSAlgorithm.ES256, "GET", DpopTest.URL, OPAQUE);
        assertThat(verifier.verify(TokenRequest.dpop(OPAQUE, Optional.of(proof), "GET", DpopTest.URL)).subject()).isEqualTo("alice");
    }

    @Test
    void opaqueTokensAreRefusedWhenIntrospectionIsNotConfigured() {
        try (TokenVerifier plain = TokenVerifierAttackTest.verifier(TestKeys.standardJwks())) {
            assertThatThrownBy(() -> plain.verify(OPAQUE)).isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void defaultsArePinnedAndThePlainHttpEndpointIsReported() {
        Introspection i = Introspection.builder(URI.create("https://idp.example/introspect"), "https://idp.example")
                .client("c", Secret.of("s")).audience("a").build();
        assertThat(i.cacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(i.cacheSize()).isEqualTo(10_000);
        assertThat(i.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(i.maxResponseBytes()).isEqualTo(64 * 1024);
        assertThat(i.toString()).doesNotContain("\"s\"");
        assertThatThrownBy(() -> Introspection.builder(URI.create("https://idp.example/i"), "https://idp.example")
                .audience("a").build()).hasMessageStartingWith("client: unset");
        assertThat(verifier.findings(AppEnvironment.PRODUCTION)).extracting(Finding::id).contains("HA-A002");
    }
}
