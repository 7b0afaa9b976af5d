package dev.hardening.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hardening.spring.app.TestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The token kinds of SAMPLE.md's {@code /api/v1/me} through Boot's default resource-server chain:
 * DPoP-bound tokens only with a valid proof (replays, wrong URLs and Bearer presentations refused
 * with {@code WWW-Authenticate: DPoP}), the URL of a trusted proxy, and opaque tokens by RFC 7662
 * introspection at WireMock (503, never 401, when the endpoint fails).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenKindsTest {

    static final WireMockServer IDP = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    static final TestIssuer ISSUER;
    static final ECKey CLIENT_KEY;
    static final TestIssuer STRICT;

    static {
        IDP.start();
        ISSUER = new TestIssuer("http://127.0.0.1:" + IDP.port() + "/idp", "k-1");
        STRICT = new TestIssuer("http://127.0.0.1:" + IDP.port() + "/strict", "s-1");
        IDP.stubFor(get("/strict/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(STRICT.jwks())));
        IDP.stubFor(get("/idp/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(ISSUER.jwks())));
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        IDP.stubFor(post("/idp/introspect").withRequestBody(containing("token=opaque-good"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"active\":true,\"sub\":\"carol\",\"aud\":\"orders-api\",\"iss\":\"" + ISSUER.issuer
                                + "\",\"exp\":" + exp + ",\"scope\":\"orders:read\"}")));
        IDP.stubFor(post("/idp/introspect").withRequestBody(containing("token=opaque-revoked"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"active\":false}")));
        IDP.stubFor(post("/idp/introspect").withRequestBody(containing("token=opaque-down"))
                .willReturn(aResponse().withStatus(500)));
        try {
            CLIENT_KEY = new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("hardening.environment", () -> "test");
        r.add("server.address", () -> "127.0.0.1");
        r.add("hardening.rate-limit.backend", () -> "memory");
        r.add("hardening.rate-limit.limits", () -> "1000/1m");
        r.add("hardening.rate-limit.trusted-proxies", () -> "127.0.0.1/32");
        r.add("hardening.auth.issuers[0].issuer-uri", () -> ISSUER.issuer);
        r.add("hardening.auth.issuers[0].jwk-set-uri", () -> ISSUER.issuer + "/jwks");
        r.add("hardening.auth.issuers[0].audiences", () -> "orders-api");
        r.add("hardening.auth.issuers[0].introspection.uri", () -> ISSUER.issuer + "/introspect");
        r.add("hardening.auth.issuers[0].introspection.client-id", () -> "orders-api");
        r.add("hardening.auth.issuers[0].introspection.client-secret", () -> UUID.randomUUID().toString());
        r.add("hardening.auth.issuers[1].issuer-uri", () -> STRICT.issuer);
        r.add("hardening.auth.issuers[1].jwk-set-uri", () -> STRICT.issuer + "/jwks");
        r.add("hardening.auth.issuers[1].audiences", () -> "orders-api");
        r.add("hardening.auth.issuers[1].token-type", () -> "at+jwt");
    }

    @AfterAll
    static void stop() {
        IDP.stop();
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    String url() {
        return "http://127.0.0.1:" + port + "/api/v1/me";
    }

    HttpResponse<String> me(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String proof(String method, String htu, String token) throws Exception {
        String ath = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(CLIENT_KEY.toPublicJWK()).build(),
                new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method).claim("htu", htu)
                        .issueTime(Date.from(Instant.now())).claim("ath", ath).build());
        jwt.sign(new ECDSASigner(CLIENT_KEY));
        return jwt.serialize();
    }

    static String bound() throws Exception {
        return ISSUER.boundToken("dave", "orders-api", CLIENT_KEY.computeThumbprint().toString());
    }

    @Test
    void acceptsABoundTokenWithItsProofOnceAndRefusesAReplay() throws Exception {
        String token = bound();
        String proof = proof("GET", url(), token);
        HttpResponse<String> ok = me("Authorization", "DPoP " + token, "DPoP", proof);
        assertThat(ok.statusCode()).as(ok.headers().map() + ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("\"sub\":\"dave\"");

        HttpResponse<String> replay = me("Authorization", "DPoP " + token, "DPoP", proof);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("DPoP").contains("error=\"invalid_dpop_proof\"").contains("dpop_proof_replayed")
                .contains("algs=\"");
        assertThat(replay.body()).contains("\"code\":\"dpop_proof_replayed\"").doesNotContain("eyJ");
    }

    @Test
    void refusesAProofForAnotherUrlAndABoundTokenPresentedAsBearer() throws Exception {
        String token = bound();
        HttpResponse<String> elsewhere = me("Authorization", "DPoP " + token, "DPoP",
                proof("GET", "http://127.0.0.1:" + port + "/api/v1/other", token));
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(elsewhere.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("DPoP").contains("error=\"invalid_dpop_proof\"");

        HttpResponse<String> bearer = me("Authorization", "Bearer " + token);
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(bearer.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("DPoP").contains("error=\"invalid_token\"").contains("algs=\"");
        assertThat(bearer.body()).contains("\"code\":\"dpop_bound_token\"");

        HttpResponse<String> noProof = me("Authorization", "DPoP " + token);
        assertThat(noProof.statusCode()).isEqualTo(401);
        assertThat(noProof.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("DPoP");
    }

    /** @return the {@code r=} (remaining) parameter of a response's {@code RateLimit} header */
    static long remaining(HttpResponse<String> r) {
        String header = r.headers().firstValue("RateLimit").orElseThrow(() -> new AssertionError("no RateLimit header"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(";r=(\\d+)").matcher(header);
        assertThat(m.find()).as(header).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void countsARefusedProofAgainstTheClientAddressBeforeAnsweringIt() throws Exception {
        String token = bound();
        String elsewhere = "http://127.0.0.1:" + port + "/api/v1/other";
        // a fresh client address (the test trusts 127.0.0.1 as a proxy), so no other test shares its bucket
        String address = "203.0.113.61";
        HttpResponse<String> first = me("Authorization", "DPoP " + token, "X-Forwarded-For", address,
                "DPoP", proof("GET", elsewhere, token));
        HttpResponse<String> second = me("Authorization", "DPoP " + token, "X-Forwarded-For", address,
                "DPoP", proof("GET", elsewhere, token));
        for (HttpResponse<String> refused : List.of(first, second)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).get().asString()
                    .startsWith("DPoP").contains("error=\"invalid_dpop_proof\"").contains("algs=\"");
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("\"status\":401").doesNotContain("eyJ");
        }
        assertThat(remaining(first)).as("the refusal was counted by the limiter").isEqualTo(999);
        assertThat(remaining(second)).as("against the client address").isEqualTo(998);

        // a proven request from the same address is keyed by its subject, not by the address
        HttpResponse<String> proven = me("Authorization", "DPoP " + token, "X-Forwarded-For", address,
                "DPoP", proof("GET", url(), token));
        assertThat(proven.statusCode()).as(proven.body()).isEqualTo(200);
        assertThat(remaining(proven)).isNotEqualTo(997);
    }

    @Test
    void takesTheUrlFromATrustedProxy() throws Exception {
        String token = bound();
        HttpResponse<String> r = me("Authorization", "DPoP " + token, "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com", "DPoP", proof("GET", "https://api.example.com/api/v1/me", token));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void anIssuerWithTokenTypeAtJwtAcceptsOnlyRfc9068AccessTokens() throws Exception {
        assertThat(me("Authorization", "Bearer " + STRICT.rfc9068Token("erin", "orders-api")).statusCode()).isEqualTo(200);
        HttpResponse<String> plain = me("Authorization", "Bearer " + STRICT.token("erin", "orders-api", null, Duration.ofMinutes(5)));
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.body()).contains("\"code\":\"wrong_token_type\"");
        assertThat(me("Authorization", "Bearer " + ISSUER.token("erin", "orders-api", null, Duration.ofMinutes(5))).statusCode())
                .as("the other issuer keeps token-type any").isEqualTo(200);
    }

    @Test
    void introspectsOpaqueTokens() throws Exception {
        HttpResponse<String> ok = me("Authorization", "Bearer opaque-good");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"sub\":\"carol\"").contains("SCOPE_orders:read");

        HttpResponse<String> revoked = me("Authorization", "Bearer opaque-revoked");
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).contains("\"code\":\"inactive\"");

        HttpResponse<String> down = me("Authorization", "Bearer opaque-down");
        assertThat(down.statusCode()).as("endpoint failing, nothing cached: 503, never 401").isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(down.body()).contains("\"code\":\"introspection_unavailable\"").doesNotContain("Exception");
    }
}
