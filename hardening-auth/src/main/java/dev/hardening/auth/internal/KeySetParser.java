package dev.hardening.auth.internal;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a JWK set document into {@link VerificationKey}s, applying the key policy: only RSA
 * (2048 to 16384 bits, odd public exponent ≥ 3), EC (P-256/384/521, point on curve) and OKP
 * (Ed25519/Ed448) public keys; {@code use} absent or {@code sig}; {@code key_ops} absent or
 * containing {@code verify}; no secret or private keys; keys sharing a {@code kid} within a family
 * are ambiguous and dropped. Stateless and thread-safe.
 */
public final class KeySetParser {

    /** The parsed set. */
    public record Result(List<VerificationKey> keys, List<String> ignored) {
    }

    /** Thrown when the document is not a JWK set at all. */
    public static final class MalformedKeySetException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedKeySetException(String message) {
            super(message, null, false, false);
        }
    }

    private static final byte[] ED25519_SPKI = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] ED448_SPKI = {0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00};

    private KeySetParser() {
    }

    /**
     * @param json    the document
     * @param maxKeys most keys kept
     * @return usable keys and the reasons others were ignored
     * @throws MalformedKeySetException if the document is not a JSON object with a {@code keys} array
     */
    public static Result parse(String json, int maxKeys) throws MalformedKeySetException {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw new MalformedKeySetException("not a JSON object");
        }
        Object keys = doc.get("keys");
        if (!(keys instanceof List)) {
            throw new MalformedKeySetException("no \"keys\" array");
        }
        List<String> ignored = new ArrayList<>();
        List<VerificationKey> out = new ArrayList<>();
        int index = 0;
        for (Object o : (List<?>) keys) {
            String where = "key #" + index++;
            if (!(o instanceof Map)) {
                ignored.add(where + ": not an object");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) o;
            try {
                VerificationKey k = convert(JWK.parse(map), where, ignored);
                if (k != null) {
                    out.add(k);
                }
            } catch (ParseException | RuntimeException e) {
                ignored.add(where + ": invalid JWK");
            }
        }
        // Drop ambiguous key ids (same kid, same family).
        Map<String, Integer> counts = new HashMap<>();
        for (VerificationKey k : out) {
            if (k.kid() != null) {
                counts.merge(k.family() + "/" + k.kid(), 1, Integer::sum);
            }
        }
        List<VerificationKey> unique = new ArrayList<>();
        for (VerificationKey k : out) {
            if (k.kid() != null && counts.get(k.family() + "/" + k.kid()) > 1) {
                ignored.add("kid " + k.kid() + ": duplicate kid");
            } else if (unique.size() >= maxKeys) {
                ignored.add("kid " + k.kid() + ": more than " + maxKeys + " keys");
            } else {
                unique.add(k);
            }
        }
        return new Result(List.copyOf(unique), List.copyOf(ignored));
    }

    private static VerificationKey convert(JWK jwk, String where, List<String> ignored) {
        String kid = jwk.getKeyID();
        String name = kid == null ? where : "kid " + kid;
        if (jwk.isPrivate()) {
            ignored.add(name + ": private or secret key material published");
            return null;
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            ignored.add(name + ": use is not sig");
            return null;
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            ignored.add(name + ": key_ops lacks verify");
            return null;
        }
        String alg = jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        if (alg != null && JwsAlgorithm.byName(alg).isEmpty()) {
            ignored.add(name + ": alg " + alg + " is not an allowed signature algorithm");
            return null;
        }
        try {
            if (jwk instanceof RSAKey) {
                RSAPublicKey pk = ((RSAKey) jwk).toRSAPublicKey();
                int bits = pk.getModulus().bitLength();
                BigInteger e = pk.getPublicExponent();
                if (bits < 2048 || bits > 16384) {
                    ignored.add(name + ": RSA key of " + bits + " bits (expected: 2048 to 16384)");
                    return null;
                }
                if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) {
                    ignored.add(name + ": RSA public exponent is not an odd number >= 3");
                    return null;
                }
                return check(new VerificationKey(kid, JwsAlgorithm.KeyFamily.RSA, pk, alg, null), name, ignored);
            }
            if (jwk instanceof ECKey) {
                ECKey ec = (ECKey) jwk;
                Curve c = ec.getCurve();
                if (!Curve.P_256.equals(c) && !Curve.P_384.equals(c) && !Curve.P_521.equals(c)) {
                    ignored.add(name + ": EC curve " + c + " (expected: P-256, P-384 or P-521)");
                    return null;
                }
                return check(new VerificationKey(kid, JwsAlgorithm.KeyFamily.EC, ec.toECPublicKey(), alg, c.getName()),
                        name, ignored);
            }
            if (jwk instanceof OctetKeyPair) {
                OctetKeyPair okp = (OctetKeyPair) jwk;
                byte[] x = okp.getX().decode();
                byte[] prefix;
                String curve;
                if (Curve.Ed25519.equals(okp.getCurve()) && x.length == 32) {
                    prefix = ED25519_SPKI;
                    curve = "Ed25519";
                } else if (Curve.Ed448.equals(okp.getCurve()) && x.length == 57) {
                    prefix = ED448_SPKI;
                    curve = "Ed448";
                } else {
                    ignored.add(name + ": OKP key is not a valid Ed25519 or Ed448 key");
                    return null;
                }
                byte[] der = new byte[prefix.length + x.length];
                System.arraycopy(prefix, 0, der, 0, prefix.length);
                System.arraycopy(x, 0, der, prefix.length, x.length);
                PublicKey pk = KeyFactory.getInstance(curve).generatePublic(new X509EncodedKeySpec(der));
                return check(new VerificationKey(kid, JwsAlgorithm.KeyFamily.OKP, pk, alg, curve), name, ignored);
            }
        } catch (GeneralSecurityException | com.nimbusds.jose.JOSEException | RuntimeException e) {
            ignored.add(name + ": cannot be converted to a public key");
            return null;
        }
        ignored.add(name + ": key type " + jwk.getKeyType() + " cannot verify signatures");
        return null;
    }

    /** The JWK {@code alg}, when present, must fit the key's type (and curve). */
    private static VerificationKey check(VerificationKey k, String name, List<String> ignored) {
        for (JwsAlgorithm a : JwsAlgorithm.values()) {
            if (k.supports(a)) {
                return k;
            }
        }
        ignored.add(name + ": alg does not fit the key type");
        return null;
    }
}
