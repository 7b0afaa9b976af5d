package dev.hardening.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.StringJoiner;

/** Key pairs and JWK JSON shared by the tests (generated once per test JVM). */
final class TestKeys {

    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair RSA_2 = generate("RSA", 2048);
    static final KeyPair RSA_1024 = generate("RSA", 1024);
    static final KeyPair EC_P256 = ec("secp256r1");
    static final KeyPair ED25519 = generate("Ed25519", 0);
    static final KeyPair ED25519_OTHER = generate("Ed25519", 0);

    private TestKeys() {
    }

    private static KeyPair generate(String alg, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK of a key pair. */
    static JWK jwk(KeyPair kp, String kid) {
        if (kp.getPublic() instanceof RSAPublicKey) {
            return new RSAKey.Builder((RSAPublicKey) kp.getPublic()).keyID(kid).build();
        }
        if (kp.getPublic() instanceof ECPublicKey) {
            return new ECKey.Builder(Curve.P_256, (ECPublicKey) kp.getPublic()).keyID(kid).build();
        }
        byte[] spki = kp.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
    }

    /** {"keys":[...]} of the given JWK JSON objects. */
    static String jwks(String... jwkJson) {
        StringJoiner j = new StringJoiner(",", "{\"keys\":[", "]}");
        for (String s : jwkJson) {
            j.add(s);
        }
        return j.toString();
    }

    /** The standard test set: rsa1, rsa2, ec1, ed1. */
    static String standardJwks() {
        return jwks(jwk(RSA, "rsa1").toJSONString(), jwk(RSA_2, "rsa2").toJSONString(),
                jwk(EC_P256, "ec1").toJSONString(), jwk(ED25519, "ed1").toJSONString());
    }
}
