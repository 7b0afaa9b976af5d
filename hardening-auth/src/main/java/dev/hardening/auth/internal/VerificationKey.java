package dev.hardening.auth.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A public key that passed the key policy, converted to JCA once and reused for every token.
 * Immutable and thread-safe (a new {@link Signature} per verification).
 */
final class VerificationKey {

    private final String kid;
    private final JwsAlgorithm.KeyFamily family;
    private final PublicKey key;
    private final String algHint;
    private final String curve;

    /**
     * @param kid     the key id, or null
     * @param family  key family
     * @param key     the JCA key
     * @param algHint the JWK {@code alg}, or null
     * @param curve   the JOSE curve for EC/OKP, or null
     */
    VerificationKey(String kid, JwsAlgorithm.KeyFamily family, PublicKey key, String algHint, String curve) {
        this.kid = kid;
        this.family = Objects.requireNonNull(family);
        this.key = Objects.requireNonNull(key);
        this.algHint = algHint;
        this.curve = curve;
    }

    /** @return the kid, or null */
    public String kid() {
        return kid;
    }

    /** @return the key family */
    public JwsAlgorithm.KeyFamily family() {
        return family;
    }

    /** @return whether this key may verify the algorithm (type, curve and JWK {@code alg} all fit) */
    public boolean supports(JwsAlgorithm alg) {
        if (alg.family() != family) {
            return false;
        }
        if (algHint != null && !alg.fitsHint(algHint)) {
            return false;
        }
        if (family == JwsAlgorithm.KeyFamily.EC) {
            return alg.curve().equals(curve);
        }
        if (family == JwsAlgorithm.KeyFamily.OKP && alg.curve() != null) {
            return alg.curve().equals(curve);
        }
        return true;
    }

    /**
     * @return whether the signature is valid for the input; false for any malformed signature
     */
    public boolean verify(JwsAlgorithm alg, byte[] signingInput, byte[] signature) {
        if (!supports(alg)) {
            return false;
        }
        try {
            Signature sig;
            if (family == JwsAlgorithm.KeyFamily.OKP) {
                sig = Signature.getInstance(curve);
            } else {
                sig = Signature.getInstance(alg.jcaName());
                if (alg.params() != null) {
                    sig.setParameter(alg.params());
                }
            }
            if (family == JwsAlgorithm.KeyFamily.EC && !legalEcdsa(alg, signature)) {
                return false;
            }
            sig.initVerify(key);
            sig.update(signingInput);
            return sig.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param other another key
     * @return whether both are the same published key: kid, family, JWK {@code alg}, curve and
     *         public key material all equal (a refreshed key set holds new objects for unchanged keys)
     */
    boolean sameKey(VerificationKey other) {
        return other == this || (family == other.family && Objects.equals(kid, other.kid)
                && Objects.equals(algHint, other.algHint) && Objects.equals(curve, other.curve)
                && Arrays.equals(key.getEncoded(), other.key.getEncoded()));
    }

    /** Rejects psychic signatures and wrong lengths before the JCA sees them: r, s in [1, n-1]. */
    private boolean legalEcdsa(JwsAlgorithm alg, byte[] signature) {
        int n = alg.coordinateBytes();
        if (signature.length != 2 * n) {
            return false;
        }
        BigInteger order = ((ECPublicKey) key).getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, n));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, n, 2 * n));
        return r.signum() > 0 && s.signum() > 0 && r.compareTo(order) < 0 && s.compareTo(order) < 0;
    }

    @Override
    public String toString() {
        return "VerificationKey[" + family + ", kid=" + kid + "]";
    }
}
