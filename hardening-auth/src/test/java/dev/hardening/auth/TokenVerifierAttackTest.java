package dev.hardening.auth;

import static dev.hardening.auth.Jwt.AUDIENCE;
import static dev.hardening.auth.Jwt.ISSUER;
import static dev.hardening.auth.Jwt.NOW;
import static dev.hardening.auth.Jwt.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.hardening.testkit.FakeTime;

/** The attack suite: every token here must be rejected with the stated reason, and nothing leaks. */
class TokenVerifierAttackTest {

    private final TokenVerifier verifier = verifier(TestKeys.standardJwks());

    static TokenVerifier verifier(String jwks) {
        return TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(ISSUER, jwks).audience(AUDIENCE).build())
                .timeSource(FakeTime.startingAt(NOW))
                .build();
    }

    @AfterEach
    void close() {
        verifier.close();
    }

    private void assertRejected(String token, RejectionReason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(InvalidTokenException.class)
                .satisfies(e -> {
                    assertThat(((TokenRejectedException) e).reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).doesNotContain(token.length() > 20 ? token.substring(0, 20) : token);
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void acceptsValidRs256Token() {
        VerifiedToken t = verifier.verify(token().sign(TestKeys.RSA));
        assertThat(t.subject()).isEqualTo("alice");
        assertThat(t.issuer()).isEqualTo(ISSUER);
        assertThat(t.audiences()).containsExactly(AUDIENCE);
        assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(t.scopes()).containsExactly("orders:read", "profile");
        assertThat(t.algorithm()).isEqualTo("RS256");
        assertThat(t.keyId()).contains("rsa1");
        assertThat(t.toString()).doesNotContain("eyJ");
    }

    @Test
    void acceptsPs256Es256AndEd25519ThroughTheJwks() {
        assertThat(verifier.verify(token().alg("PS256", "rsa2").sign(TestKeys.RSA_2)).algorithm()).isEqualTo("PS256");
        assertThat(verifier.verify(token().alg("ES256", "ec1").sign(TestKeys.EC_P256)).algorithm()).isEqualTo("ES256");
        assertThat(verifier.verify(token().alg("EdDSA", "ed1").sign(TestKeys.ED25519)).algorithm()).isEqualTo("EdDSA");
    }

    @Test
    void rejectsEd25519TokenSignedByAnotherKey() {
        assertRejected(token().alg("EdDSA", "ed1").sign(TestKeys.ED25519_OTHER), RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void acceptsKidlessTokenWhenAKeyOfTheTypeVerifies() {
        assertThat(verifier.verify(token().header("kid", null).sign(TestKeys.RSA_2)).subject()).isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void rejectsAlgNone(String alg) {
        String unsigned = token().header("alg", alg).signingInput();
        assertRejected(unsigned + ".", RejectionReason.ALGORITHM_NOT_ALLOWED);
        String withSig = token().sign(TestKeys.RSA);
        assertRejected(token().header("alg", alg).signingInput() + "." + Jwt.parts(withSig).get(2),
                RejectionReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsHs256SignedWithTheRsaPublicKey() {
        byte[] der = TestKeys.RSA.getPublic().getEncoded();
        byte[] jwkJson = TestKeys.jwk(TestKeys.RSA, "rsa1").toJSONString().getBytes(StandardCharsets.UTF_8);
        assertRejected(token().header("alg", "HS256").hmac(der), RejectionReason.ALGORITHM_NOT_ALLOWED);
        assertRejected(token().header("alg", "HS256").hmac(jwkJson), RejectionReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void neverUsesRsaKeysUnder2048Bits() {
        TokenVerifier v = verifier(TestKeys.jwks(TestKeys.jwk(TestKeys.RSA_1024, "small").toJSONString(),
                TestKeys.jwk(TestKeys.RSA, "rsa1").toJSONString()));
        assertThatThrownBy(() -> v.verify(token().alg("RS256", "small").sign(TestKeys.RSA_1024)))
                .isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
        v.close();
    }

    @Test
    void neverUsesKeysWhoseUseOrKeyOpsForbidVerification() {
        String enc = TestKeys.jwk(TestKeys.RSA, "rsa1").toJSONString().replace("{", "{\"use\":\"enc\",");
        String ops = TestKeys.jwk(TestKeys.RSA_2, "rsa2").toJSONString().replace("{", "{\"key_ops\":[\"encrypt\"],");
        TokenVerifier v = verifier(TestKeys.jwks(enc, ops, TestKeys.jwk(TestKeys.EC_P256, "ec1").toJSONString()));
        assertThatThrownBy(() -> v.verify(token().sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
        assertThatThrownBy(() -> v.verify(token().alg("RS256", "rsa2").sign(TestKeys.RSA_2)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
        v.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "x5u", "jwk", "x5c"})
    void neverTrustsKeyMaterialFromTheHeader(String param) {
        Object value = param.equals("jwk") ? TestKeys.jwk(TestKeys.RSA_2, "rsa1").toJSONObject()
                : param.equals("x5c") ? List.of("MIIB") : "https://attacker.example/keys";
        assertRejected(token().header(param, value).sign(TestKeys.RSA_2), RejectionReason.UNTRUSTED_HEADER);
    }

    @Test
    void rejectsCriticalHeaders() {
        assertRejected(token().header("crit", List.of("exp")).header("exp", 1).sign(TestKeys.RSA), RejectionReason.CRITICAL_HEADER);
        assertRejected(token().header("crit", List.of("b64")).header("b64", false).sign(TestKeys.RSA),
                RejectionReason.CRITICAL_HEADER);
    }

    @Test
    void rejectsUnencodedPayloadJweJsonSerializationAndNestedTokens() {
        assertRejected(token().header("b64", false).sign(TestKeys.RSA), RejectionReason.UNSUPPORTED_FORMAT);
        assertRejected(token().header("cty", "JWT").sign(TestKeys.RSA), RejectionReason.UNSUPPORTED_FORMAT);
        assertRejected(Jwt.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + ".a.b.c.d", RejectionReason.UNSUPPORTED_FORMAT);
        String compact = token().sign(TestKeys.RSA);
        List<String> p = Jwt.parts(compact);
        String json = "{\"payload\":\"" + p.get(1) + "\",\"protected\":\"" + p.get(0) + "\",\"signature\":\"" + p.get(2) + "\"}";
        assertRejected(json, RejectionReason.UNSUPPORTED_FORMAT);
    }

    @Test
    void rejectsNonCanonicalBase64url() {
        String good = token().sign(TestKeys.RSA);
        assertRejected(good + "=", RejectionReason.MALFORMED);
        assertRejected(good + " ", RejectionReason.MALFORMED);
        assertRejected(" " + good, RejectionReason.MALFORMED);
        assertRejected(good + "!", RejectionReason.MALFORMED);
        List<String> p = Jwt.parts(good);
        assertRejected(p.get(0) + "." + p.get(1) + "\n." + p.get(2), RejectionReason.MALFORMED);
        assertRejected(p.get(0) + "." + p.get(1).replace('-', '+').replace('_', '/') + "." + p.get(2).replace('-', '+'),
                p.get(1).contains("-") || p.get(1).contains("_") || p.get(2).contains("-") ? RejectionReason.MALFORMED
                        : RejectionReason.BAD_SIGNATURE);
        // Non-zero unused bits in the last character: the same bytes with another spelling.
        String sig = p.get(2);
        char last = sig.charAt(sig.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertRejected(p.get(0) + "." + p.get(1) + "." + sig.substring(0, sig.length() - 1) + sibling, RejectionReason.MALFORMED);
        assertRejected(good + ".extra", RejectionReason.MALFORMED);
    }

    @Test
    void rejectsOversizedTokensBeforeParsing() {
        String big = token().claim("pad", "x".repeat(17 * 1024)).sign(TestKeys.RSA);
        assertRejected(big, RejectionReason.TOO_LARGE);
        assertRejected("e".repeat(8 * 1024 * 1024), RejectionReason.TOO_LARGE);
    }

    @Test
    void rejectsHugeAndDeeplyNestedJsonAndDuplicateClaims() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Jwt j = token();
        String nested = Jwt.b64(j.header.toString().isEmpty() ? "" : com.nimbusds.jose.util.JSONObjectUtils.toJSONString(j.header))
                + "." + Jwt.b64("{\"a\":" + deep + "}") + ".c2ln";
        assertRejected(nested, RejectionReason.MALFORMED);
        String header = Jwt.b64("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}");
        String dupPayload = Jwt.b64("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"sub\":\"admin\",\"aud\":\"" + AUDIENCE
                + "\",\"iat\":" + NOW.getEpochSecond() + ",\"exp\":" + (NOW.getEpochSecond() + 60) + "}");
        String input = header + "." + dupPayload;
        String dup = input + "." + Jwt.b64(Jwt.signature("RS256", TestKeys.RSA.getPrivate(), input.getBytes(StandardCharsets.US_ASCII)));
        assertRejected(dup, RejectionReason.MALFORMED);
        String dupAlg = Jwt.b64("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"rsa1\"}") + "." + Jwt.parts(token().sign(TestKeys.RSA)).get(1) + ".c2ln";
        assertRejected(dupAlg, RejectionReason.MALFORMED);
        assertRejected(Jwt.b64("{\"alg\":\"RS256\"}") + "." + Jwt.b64("[1,2]") + ".c2ln", RejectionReason.MALFORMED);
    }

    @Test
    void rejectsPsychicEcdsaSignatures() {
        String input = token().alg("ES256", "ec1").signingInput();
        assertRejected(input + "." + Jwt.b64(new byte[64]), RejectionReason.BAD_SIGNATURE);
        byte[] rs1 = new byte[64];
        rs1[31] = 1;
        rs1[63] = 1;
        assertRejected(input + "." + Jwt.b64(rs1), RejectionReason.BAD_SIGNATURE);
        byte[] order = new java.math.BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16).toByteArray();
        byte[] rsN = new byte[64];
        System.arraycopy(order, order.length - 32, rsN, 0, 32);
        System.arraycopy(order, order.length - 32, rsN, 32, 32);
        assertRejected(input + "." + Jwt.b64(rsN), RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void rejectsAlgorithmAndKeyTypeMismatch() {
        assertRejected(token().alg("RS256", "ec1").sign(TestKeys.RSA), RejectionReason.ALGORITHM_NOT_ALLOWED);
        assertRejected(token().alg("ES256", "rsa1").sign(TestKeys.EC_P256), RejectionReason.ALGORITHM_NOT_ALLOWED);
        assertRejected(token().alg("PS256", "rsa1").sign(TestKeys.RSA_2), RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void rejectsAlgorithmsOutsideTheIssuersAllowList() {
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(ISSUER, TestKeys.standardJwks()).audience(AUDIENCE).algorithms("ES256").build())
                .timeSource(FakeTime.startingAt(NOW)).build();
        assertThatThrownBy(() -> v.verify(token().sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.ALGORITHM_NOT_ALLOWED);
        assertThat(v.verify(token().alg("ES256", "ec1").sign(TestKeys.EC_P256)).subject()).isEqualTo("alice");
        assertThatThrownBy(() -> IssuerPolicy.staticKeys(ISSUER, "{}").algorithms("HS256"))
                .hasMessage("algorithms: HS256 (expected: one of [RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519, Ed448, ESP256, ESP384, ESP512])");
        v.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../../dev/null", "/dev/null", "' OR '1'='1", "x\u0000y", "", "rsa1 ", "RSA1"})
    void rejectsInjectedKids(String kid) {
        assertRejected(token().header("kid", kid).sign(TestKeys.RSA), RejectionReason.UNKNOWN_KEY);
    }

    @Test
    void rejectsTamperedPayload() {
        List<String> p = Jwt.parts(token().sign(TestKeys.RSA));
        String forged = Jwt.parts(token().claim("sub", "admin").sign(TestKeys.RSA_2)).get(1);
        assertRejected(p.get(0) + "." + forged + "." + p.get(2), RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void checksTimeClaimsWithBoundedSkew() {
        long now = NOW.getEpochSecond();
        assertRejected(token().claim("exp", now - 61).claim("iat", now - 600).sign(TestKeys.RSA), RejectionReason.EXPIRED);
        assertThat(verifier.verify(token().claim("exp", now - 30).claim("iat", now - 600).sign(TestKeys.RSA))).isNotNull();
        assertRejected(token().claim("nbf", now + 120).sign(TestKeys.RSA), RejectionReason.NOT_YET_VALID);
        assertThat(verifier.verify(token().claim("nbf", now + 30).sign(TestKeys.RSA))).isNotNull();
        assertRejected(token().claim("iat", now + 3600 * 24 * 365).claim("exp", now + 3600 * 24 * 365 + 60).sign(TestKeys.RSA),
                RejectionReason.ISSUED_IN_FUTURE);
        assertRejected(token().claim("exp", now + 3600L * 24 * 365 * 100).sign(TestKeys.RSA), RejectionReason.LIFETIME_TOO_LONG);
        assertRejected(token().claim("exp", null).sign(TestKeys.RSA), RejectionReason.MISSING_CLAIM);
        assertRejected(token().claim("iat", null).sign(TestKeys.RSA), RejectionReason.MISSING_CLAIM);
        assertRejected(token().claim("exp", "tomorrow").sign(TestKeys.RSA), RejectionReason.MALFORMED);
    }

    @Test
    void checksIssuerAndAudienceExactly() {
        assertRejected(token().claim("iss", ISSUER + "/").sign(TestKeys.RSA), RejectionReason.WRONG_ISSUER);
        assertRejected(token().claim("iss", "https://ISSUER.test").sign(TestKeys.RSA), RejectionReason.WRONG_ISSUER);
        assertRejected(token().claim("iss", List.of(ISSUER)).sign(TestKeys.RSA), RejectionReason.MALFORMED);
        assertRejected(token().claim("iss", null).sign(TestKeys.RSA), RejectionReason.MISSING_CLAIM);
        assertRejected(token().claim("aud", "billing-api").sign(TestKeys.RSA), RejectionReason.WRONG_AUDIENCE);
        assertRejected(token().claim("aud", null).sign(TestKeys.RSA), RejectionReason.MISSING_CLAIM);
        assertThat(verifier.verify(token().claim("aud", List.of("billing-api", AUDIENCE)).sign(TestKeys.RSA))).isNotNull();
        assertRejected(token().claim("sub", null).sign(TestKeys.RSA), RejectionReason.MISSING_CLAIM);
    }

    @Test
    void keepsIdTokensAndAccessTokensApart() {
        String idToken = token().claim("aud", AUDIENCE).claim("nonce", "n-1").sign(TestKeys.RSA);
        assertRejected(idToken, RejectionReason.WRONG_TOKEN_TYPE);
        assertThat(verifier.verify(token().header("typ", "at+jwt").sign(TestKeys.RSA)).type()).contains("at+jwt");
        assertThat(verifier.verify(token().header("typ", "application/at+jwt").sign(TestKeys.RSA))).isNotNull();
        assertRejected(token().header("typ", "dpop+jwt").sign(TestKeys.RSA), RejectionReason.WRONG_TOKEN_TYPE);

        TokenVerifier ids = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(ISSUER, TestKeys.standardJwks()).profile(TokenProfile.ID_TOKEN)
                        .clientId("web-app").build())
                .timeSource(FakeTime.startingAt(NOW)).build();
        String goodId = token().claim("aud", "web-app").claim("nonce", "n-1").sign(TestKeys.RSA);
        assertThat(ids.verifyIdToken(goodId, "n-1").subject()).isEqualTo("alice");
        assertThatThrownBy(() -> ids.verifyIdToken(goodId, "n-2"))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.NONCE_MISMATCH);
        assertThatThrownBy(() -> ids.verify(token().claim("aud", "web-app").header("typ", "at+jwt").sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_TOKEN_TYPE);
        assertThatThrownBy(() -> ids.verify(token().claim("aud", List.of("web-app", "other")).sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_AUTHORIZED_PARTY);
        assertThatThrownBy(() -> ids.verify(token().claim("aud", "web-app").claim("azp", "evil").sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_AUTHORIZED_PARTY);
        // An access token for the API is not an ID token for the web app (audience differs).
        assertThatThrownBy(() -> ids.verify(token().sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_AUDIENCE);
        assertThatThrownBy(() -> verifier.verifyIdToken(token().sign(TestKeys.RSA), "n"))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_TOKEN_TYPE);
        ids.close();
    }

    @Test
    void strictRfc9068ProfileRequiresTypClientIdAndJti() {
        TokenVerifier at = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(ISSUER, TestKeys.standardJwks()).audience(AUDIENCE)
                        .profile(TokenProfile.RFC9068_ACCESS_TOKEN).build())
                .timeSource(FakeTime.startingAt(NOW)).build();
        Jwt good = token().header("typ", "at+jwt").claim("client_id", "cli").claim("jti", "j1");
        assertThat(at.verify(good.sign(TestKeys.RSA)).clientId()).contains("cli");
        assertThatThrownBy(() -> at.verify(token().claim("client_id", "cli").claim("jti", "j1").sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.WRONG_TOKEN_TYPE);
        assertThatThrownBy(() -> at.verify(token().header("typ", "at+jwt").claim("jti", "j1").sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.MISSING_CLAIM);
        at.close();
    }

    @Test
    void routesTokensByExactIssuer() {
        TokenVerifier multi = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(ISSUER, TestKeys.jwks(TestKeys.jwk(TestKeys.RSA, "rsa1").toJSONString()))
                        .audience(AUDIENCE).build())
                .issuer(IssuerPolicy.staticKeys("https://other.test", TestKeys.jwks(TestKeys.jwk(TestKeys.RSA_2, "rsa1").toJSONString()))
                        .audience(AUDIENCE).build())
                .timeSource(FakeTime.startingAt(NOW)).build();
        assertThat(multi.verify(token().sign(TestKeys.RSA)).issuer()).isEqualTo(ISSUER);
        assertThat(multi.verify(token().claim("iss", "https://other.test").sign(TestKeys.RSA_2)).issuer()).isEqualTo("https://other.test");
        // A token of one issuer signed with the other issuer's key is forged.
        assertThatThrownBy(() -> multi.verify(token().claim("iss", "https://other.test").sign(TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.BAD_SIGNATURE);
        multi.close();
    }

    @Test
    void requireScopeThrowsInsufficientScope() {
        VerifiedToken t = verifier.verify(token().sign(TestKeys.RSA));
        assertThat(t.requireScope("orders:read")).isSameAs(t);
        assertThatThrownBy(() -> t.requireScope("orders:write"))
                .isInstanceOf(InsufficientScopeException.class)
                .satisfies(e -> assertThat(((TokenRejectedException) e).status()).isEqualTo(403));
        VerifiedToken scp = verifier.verify(token().claim("scope", null).claim("scp", List.of("a", "b")).sign(TestKeys.RSA));
        assertThat(scp.scopes()).containsExactly("a", "b");
    }

    @Test
    void exposesAllClaimsUnmodifiable() {
        VerifiedToken t = verifier.verify(token().claim("roles", List.of("admin")).claim("ext", Map.of("k", "v")).sign(TestKeys.RSA));
        assertThat(t.hasRole("admin")).isTrue();
        assertThat(t.claims()).containsKey("ext");
        assertThatThrownBy(() -> t.claims().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
