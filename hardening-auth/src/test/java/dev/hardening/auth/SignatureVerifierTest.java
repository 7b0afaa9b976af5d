package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.internal.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signature-only path used by the Wycheproof conformance run applies the token verifier's
 * header checks, key policy and signature check, and nothing about claims.
 */
class SignatureVerifierTest {

    private final SignatureVerifier verifier = SignatureVerifier.forJwkSet(TestKeys.standardJwks());

    private static String jws(String headerJson, byte[] payload, KeyPair kp, String alg) {
        String input = Jwt.b64(headerJson) + "." + Jwt.b64(payload);
        return input + "." + Jwt.b64(Jwt.signature(alg, kp.getPrivate(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    private void assertRejected(SignatureVerifier v, String token, RejectionReason reason) {
        assertThatThrownBy(() -> v.verify(token)).isInstanceOf(InvalidTokenException.class)
                .satisfies(e -> assertThat(((TokenRejectedException) e).reason()).isEqualTo(reason));
    }

    @Test
    void verifiesSignaturesOverPayloadsThatAreNotClaims() {
        byte[] payload = {0, 1, 2, (byte) 0xff};
        assertThat(verifier.verify(jws("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload, TestKeys.RSA, "RS256")))
                .containsExactly(payload);
        assertThat(verifier.verify(jws("{\"alg\":\"ES256\",\"kid\":\"ec1\"}", payload, TestKeys.EC_P256, "ES256")))
                .containsExactly(payload);
        assertThat(verifier.verify(jws("{\"alg\":\"EdDSA\",\"kid\":\"ed1\"}", new byte[0], TestKeys.ED25519, "EdDSA")))
                .isEmpty();
    }

    @Test
    void appliesTheTokenVerifiersHeaderRules() {
        byte[] payload = "foo".getBytes(StandardCharsets.UTF_8);
        String valid = jws("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload, TestKeys.RSA, "RS256");
        assertRejected(verifier, valid + "=", RejectionReason.MALFORMED);
        assertRejected(verifier, "{\"payload\":\"Zm9v\"}", RejectionReason.UNSUPPORTED_FORMAT);
        assertRejected(verifier, Jwt.b64("{\"alg\":\"none\"}") + ".Zm9v.", RejectionReason.ALGORITHM_NOT_ALLOWED);
        assertRejected(verifier, jws("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"crit\":[\"exp\"]}", payload, TestKeys.RSA, "RS256"),
                RejectionReason.CRITICAL_HEADER);
        assertRejected(verifier, jws("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jku\":\"https://evil.test\"}", payload,
                TestKeys.RSA, "RS256"), RejectionReason.UNTRUSTED_HEADER);
        assertRejected(verifier, jws("{\"alg\":\"RS256\",\"kid\":\"nope\"}", payload, TestKeys.RSA, "RS256"),
                RejectionReason.UNKNOWN_KEY);
        assertRejected(verifier, jws("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload, TestKeys.RSA_2, "RS256"),
                RejectionReason.BAD_SIGNATURE);
        assertRejected(verifier, jws("{\"alg\":\"ES256\",\"kid\":\"rsa1\"}", payload, TestKeys.EC_P256, "ES256"),
                RejectionReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void appliesTheKeyPolicy() {
        SignatureVerifier small = SignatureVerifier.forJwkSet(TestKeys.jwks(TestKeys.jwk(TestKeys.RSA_1024, "small").toJSONString()));
        assertRejected(small, jws("{\"alg\":\"RS256\",\"kid\":\"small\"}", new byte[] {1}, TestKeys.RSA_1024, "RS256"),
                RejectionReason.UNKNOWN_KEY);
        Map<String, Object> hinted = TestKeys.jwk(TestKeys.RSA, "ps").toJSONObject();
        hinted.put("alg", "PS256");
        SignatureVerifier ps = SignatureVerifier.forJwkSet(TestKeys.jwks(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(hinted)));
        assertRejected(ps, jws("{\"alg\":\"RS256\",\"kid\":\"ps\"}", new byte[] {1}, TestKeys.RSA, "RS256"),
                RejectionReason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void refusesADocumentThatIsNotAKeySet() {
        assertThatThrownBy(() -> SignatureVerifier.forJwkSet("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
