package dev.hardening.auth;

import static dev.hardening.auth.Jwt.NOW;
import static dev.hardening.auth.Jwt.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.hardening.testkit.FakeTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9864 fully-specified algorithm names, accepted where the key fits; the polymorphic names still accepted. */
class AlgorithmNamesTest {

    static final KeyPair ED448 = generate("Ed448", null);
    static final KeyPair P384 = generate("EC", "secp384r1");
    static final KeyPair P521 = generate("EC", "secp521r1");

    static KeyPair generate(String alg, String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (curve != null) {
                g.initialize(new ECGenParameterSpec(curve));
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWK ed448(KeyPair kp, String kid, String alg) {
        byte[] spki = kp.getPublic().getEncoded();
        OctetKeyPair.Builder b = new OctetKeyPair.Builder(Curve.Ed448, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 57, spki.length))).keyID(kid);
        if (alg != null) {
            b.algorithm(new com.nimbusds.jose.Algorithm(alg));
        }
        return b.build();
    }

    static JWK ec(KeyPair kp, Curve c, String kid) {
        return new ECKey.Builder(c, (ECPublicKey) kp.getPublic()).keyID(kid).build();
    }

    private TokenVerifier verifier(String jwks) {
        return TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(Jwt.ISSUER, jwks).audience(Jwt.AUDIENCE).build())
                .timeSource(FakeTime.startingAt(NOW))
                .build();
    }

    private static RejectionReason reason(TokenVerifier v, String t) {
        try {
            v.verify(t);
            return null;
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void acceptsEd25519AndEd448UnderTheirOwnNamesAndUnderEdDsa() {
        try (TokenVerifier v = verifier(TestKeys.jwks(TestKeys.jwk(TestKeys.ED25519, "ed1").toJSONString(),
                ed448(ED448, "ed2", null).toJSONString()))) {
            assertThat(v.verify(token().alg("Ed25519", "ed1").sign(TestKeys.ED25519)).algorithm()).isEqualTo("Ed25519");
            assertThat(v.verify(token().alg("EdDSA", "ed1").sign(TestKeys.ED25519)).algorithm()).isEqualTo("EdDSA");
            assertThat(v.verify(token().alg("Ed448", "ed2").sign(ED448)).algorithm()).isEqualTo("Ed448");
            assertThat(v.verify(token().alg("EdDSA", "ed2").header("alg", "EdDSA").sign(signAs("Ed448"))).algorithm())
                    .isEqualTo("EdDSA");
        }
    }

    /** Signs an EdDSA-named token with the Ed448 key (Jwt signs EdDSA with Ed25519 by default). */
    private static java.security.PrivateKey signAs(String curve) {
        return ED448.getPrivate();
    }

    @Test
    void refusesAFullySpecifiedNameWithAKeyOfAnotherCurve() {
        try (TokenVerifier v = verifier(TestKeys.jwks(TestKeys.jwk(TestKeys.ED25519, "ed1").toJSONString(),
                ed448(ED448, "ed2", null).toJSONString(), ec(P384, Curve.P_384, "ec384").toJSONString()))) {
            assertThat(reason(v, token().alg("Ed448", "ed1").sign(TestKeys.ED25519))).isEqualTo(RejectionReason.ALGORITHM_NOT_ALLOWED);
            assertThat(reason(v, token().alg("Ed25519", "ed2").sign(ED448))).isEqualTo(RejectionReason.ALGORITHM_NOT_ALLOWED);
            assertThat(reason(v, token().alg("ESP256", "ec384").sign(P384))).isEqualTo(RejectionReason.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Test
    void acceptsEspNamesOnTheirCurves() {
        try (TokenVerifier v = verifier(TestKeys.jwks(TestKeys.jwk(TestKeys.EC_P256, "ec1").toJSONString(),
                ec(P384, Curve.P_384, "ec384").toJSONString(), ec(P521, Curve.P_521, "ec521").toJSONString()))) {
            assertThat(v.verify(token().alg("ESP256", "ec1").sign(TestKeys.EC_P256)).algorithm()).isEqualTo("ESP256");
            assertThat(v.verify(token().alg("ESP384", "ec384").sign(P384)).algorithm()).isEqualTo("ESP384");
            assertThat(v.verify(token().alg("ESP512", "ec521").sign(P521)).algorithm()).isEqualTo("ESP512");
            assertThat(v.verify(token().alg("ES512", "ec521").sign(P521)).algorithm()).isEqualTo("ES512");
        }
    }

    @Test
    void aJwkAlgHintAcceptsThePolymorphicAndTheFullySpecifiedNameOfTheSameSignatureOnly() {
        try (TokenVerifier v = verifier(TestKeys.jwks(ed448(ED448, "ed2", "Ed448").toJSONString()))) {
            assertThat(v.verify(token().alg("Ed448", "ed2").sign(ED448)).algorithm()).isEqualTo("Ed448");
            assertThat(v.verify(token().alg("EdDSA", "ed2").sign(ED448)).algorithm()).isEqualTo("EdDSA");
        }
        try (TokenVerifier v = verifier(TestKeys.jwks(ed448(ED448, "ed2", "EdDSA").toJSONString()))) {
            assertThat(v.verify(token().alg("Ed448", "ed2").sign(ED448)).algorithm()).isEqualTo("Ed448");
        }
    }

    @Test
    void anIssuerCanBeNarrowedToFullySpecifiedNames() {
        IssuerPolicy p = IssuerPolicy.staticKeys(Jwt.ISSUER, TestKeys.standardJwks()).audience(Jwt.AUDIENCE)
                .algorithms("Ed25519", "ESP256").build();
        try (TokenVerifier v = TokenVerifier.builder().issuer(p).timeSource(FakeTime.startingAt(NOW)).build()) {
            assertThat(v.verify(token().alg("Ed25519", "ed1").sign(TestKeys.ED25519)).subject()).isEqualTo("alice");
            assertThat(reason(v, token().alg("EdDSA", "ed1").sign(TestKeys.ED25519))).isEqualTo(RejectionReason.ALGORITHM_NOT_ALLOWED);
        }
        assertThatThrownBy(() -> IssuerPolicy.staticKeys(Jwt.ISSUER, "{}").algorithms("ES256K"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Map.of()).isEmpty();
    }
}
