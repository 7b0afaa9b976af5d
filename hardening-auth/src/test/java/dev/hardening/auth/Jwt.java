package dev.hardening.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds and signs test tokens with the JCA directly, so any header or claim can be forged. */
final class Jwt {

    static final String ISSUER = "https://issuer.test";
    static final String AUDIENCE = "orders-api";
    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

    final Map<String, Object> header = new LinkedHashMap<>();
    final Map<String, Object> claims = new LinkedHashMap<>();

    private Jwt() {
    }

    /** An RS256 access token for alice, kid rsa1, valid at {@link #NOW} for 10 minutes. */
    static Jwt token() {
        Jwt j = new Jwt();
        j.header.put("alg", "RS256");
        j.header.put("kid", "rsa1");
        j.claims.put("iss", ISSUER);
        j.claims.put("sub", "alice");
        j.claims.put("aud", AUDIENCE);
        j.claims.put("iat", NOW.getEpochSecond());
        j.claims.put("exp", NOW.getEpochSecond() + 600);
        j.claims.put("scope", "orders:read profile");
        return j;
    }

    /** A JWS with no header or claims at all (for DPoP proofs and other non-token JWS). */
    static Jwt blank() {
        return new Jwt();
    }

    Jwt header(String name, Object value) {
        if (value == null) {
            header.remove(name);
        } else {
            header.put(name, value);
        }
        return this;
    }

    Jwt claim(String name, Object value) {
        if (value == null) {
            claims.remove(name);
        } else {
            claims.put(name, value);
        }
        return this;
    }

    Jwt alg(String alg, String kid) {
        return header("alg", alg).header("kid", kid);
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    String signingInput() {
        return b64(JSONObjectUtils.toJSONString(header)) + "." + b64(JSONObjectUtils.toJSONString(claims));
    }

    /** Signs with the algorithm named in the header. */
    String sign(KeyPair kp) {
        return sign(kp.getPrivate());
    }

    String sign(PrivateKey key) {
        String input = signingInput();
        return input + "." + b64(signature((String) header.get("alg"), key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Signs with HMAC using the given bytes as secret (for confusion attacks). */
    String hmac(byte[] secret) {
        try {
            String input = signingInput();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] signature(String alg, PrivateKey key, byte[] input) {
        try {
            Signature s;
            switch (alg) {
                case "RS256": s = Signature.getInstance("SHA256withRSA"); break;
                case "RS512": s = Signature.getInstance("SHA512withRSA"); break;
                case "PS256":
                    s = Signature.getInstance("RSASSA-PSS");
                    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    break;
                case "ES256": s = Signature.getInstance("SHA256withECDSAinP1363Format"); break;
                // The JDK's "EdDSA" signs with whichever curve the key has (forged names included).
                case "EdDSA": case "Ed25519": case "Ed448": s = Signature.getInstance("EdDSA"); break;
                case "ESP256": s = Signature.getInstance("SHA256withECDSAinP1363Format"); break;
                case "ES384": case "ESP384": s = Signature.getInstance("SHA384withECDSAinP1363Format"); break;
                case "ES512": case "ESP512": s = Signature.getInstance("SHA512withECDSAinP1363Format"); break;
                default:
                    // Attack tests sign with a real key under a forged alg name.
                    s = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSAinP1363Format"
                            : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519");
            }
            s.initSign(key);
            s.update(input);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> parts(String token) {
        return List.of(token.split("\\.", -1));
    }
}
