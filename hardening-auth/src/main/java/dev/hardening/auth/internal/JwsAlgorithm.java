package dev.hardening.auth.internal;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Map;
import java.util.Optional;

/** The asymmetric JWS algorithms the verifier knows, with their JCA mapping. */
enum JwsAlgorithm {
    RS256(KeyFamily.RSA, "SHA256withRSA", null, null, 0),
    RS384(KeyFamily.RSA, "SHA384withRSA", null, null, 0),
    RS512(KeyFamily.RSA, "SHA512withRSA", null, null, 0),
    PS256(KeyFamily.RSA, "RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32), null, 0),
    PS384(KeyFamily.RSA, "RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48), null, 0),
    PS512(KeyFamily.RSA, "RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64), null, 0),
    ES256(KeyFamily.EC, "SHA256withECDSAinP1363Format", null, "P-256", 32),
    ES384(KeyFamily.EC, "SHA384withECDSAinP1363Format", null, "P-384", 48),
    ES512(KeyFamily.EC, "SHA512withECDSAinP1363Format", null, "P-521", 66),
    EdDSA(KeyFamily.OKP, null, null, null, 0),
    /** RFC 9864: EdDSA on Ed25519 only. */
    Ed25519(KeyFamily.OKP, "Ed25519", null, "Ed25519", 0),
    /** RFC 9864: EdDSA on Ed448 only. */
    Ed448(KeyFamily.OKP, "Ed448", null, "Ed448", 0),
    /** RFC 9864: ECDSA on P-256 with SHA-256 (same signature as ES256). */
    ESP256(KeyFamily.EC, "SHA256withECDSAinP1363Format", null, "P-256", 32),
    /** RFC 9864: ECDSA on P-384 with SHA-384 (same signature as ES384). */
    ESP384(KeyFamily.EC, "SHA384withECDSAinP1363Format", null, "P-384", 48),
    /** RFC 9864: ECDSA on P-521 with SHA-512 (same signature as ES512). */
    ESP512(KeyFamily.EC, "SHA512withECDSAinP1363Format", null, "P-521", 66);

    /** Key types. */
    public enum KeyFamily { RSA, EC, OKP }

    private static final Map<String, JwsAlgorithm> BY_NAME = byName();

    private static Map<String, JwsAlgorithm> byName() {
        Map<String, JwsAlgorithm> m = new java.util.HashMap<>();
        for (JwsAlgorithm a : values()) {
            m.put(a.name(), a);
        }
        return Map.copyOf(m);
    }

    private final KeyFamily family;
    private final String jcaName;
    private final AlgorithmParameterSpec params;
    private final String curve;
    private final int coordinateBytes;

    JwsAlgorithm(KeyFamily family, String jcaName, AlgorithmParameterSpec params, String curve, int coordinateBytes) {
        this.family = family;
        this.jcaName = jcaName;
        this.params = params;
        this.curve = curve;
        this.coordinateBytes = coordinateBytes;
    }

    private static AlgorithmParameterSpec pss(String hash, MGF1ParameterSpec mgf, int salt) {
        return new PSSParameterSpec(hash, "MGF1", mgf, salt, 1);
    }

    /** @return the algorithm for an exact (case-sensitive) {@code alg} value */
    public static Optional<JwsAlgorithm> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** @return the key family */
    public KeyFamily family() {
        return family;
    }

    /** @return the JCA signature name (null for EdDSA, which depends on the curve) */
    public String jcaName() {
        return jcaName;
    }

    /** @return PSS parameters, or null */
    public AlgorithmParameterSpec params() {
        return params;
    }

    /**
     * Whether a key whose JWK {@code alg} is {@code hint} may verify this algorithm: the same name,
     * or the polymorphic and fully-specified names of the same signature (RFC 9864: {@code EdDSA}
     * with {@code Ed25519}/{@code Ed448}, {@code ES256} with {@code ESP256}, ...). The key's type and
     * curve are checked separately.
     */
    boolean fitsHint(String hint) {
        if (hint.equals(name())) {
            return true;
        }
        if (family == KeyFamily.OKP) {
            return hint.equals("EdDSA") || (this == EdDSA && (hint.equals("Ed25519") || hint.equals("Ed448")));
        }
        if (family == KeyFamily.EC) {
            return hint.equals("ES" + name().substring(name().length() - 3))
                    || hint.equals("ESP" + name().substring(name().length() - 3));
        }
        return false;
    }

    /** @return the JOSE curve for ES*, ESP*, Ed25519 and Ed448, else null */
    public String curve() {
        return curve;
    }

    /** @return bytes per coordinate for ES*, else 0 */
    public int coordinateBytes() {
        return coordinateBytes;
    }
}
