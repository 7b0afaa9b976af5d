package dev.hardening.auth.internal;

import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.config.TimeSource;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the signature of a compact JWS over an arbitrary payload, with exactly the
 * {@link TokenVerifier}'s header checks ({@link CompactJws#parse}), key policy
 * ({@link KeySetParser} and the kid lookup of a static key set) and signature verification
 * ({@link CompactJws#verifySignature}) — and nothing else: the payload is not parsed and no claim
 * is checked. It exists for conformance runs against JWS test vectors (Project Wycheproof), which
 * sign payloads that are not JWT claims sets; it is not a public API. Immutable and thread-safe.
 */
public final class SignatureVerifier {

    private final KeyProvider keys;
    private final Set<String> algorithms;
    private final int maxTokenBytes;

    private SignatureVerifier(KeyProvider keys, Set<String> algorithms, int maxTokenBytes) {
        this.keys = keys;
        this.algorithms = algorithms;
        this.maxTokenBytes = maxTokenBytes;
    }

    /**
     * A verifier trusting the usable keys of a JWK set, with the default algorithm allow-list
     * ({@link IssuerPolicy#ASYMMETRIC_ALGORITHMS}), size cap and key limits.
     *
     * @param jwkSetJson a JWK set ({@code {"keys":[...]}})
     * @return the verifier
     * @throws IllegalArgumentException if the document is not a JWK set; a set the key policy leaves
     *                                  empty is accepted (every signature is then rejected with
     *                                  {@code unknown_key}, as by a token verifier whose issuer publishes only unusable keys)
     */
    public static SignatureVerifier forJwkSet(String jwkSetJson) {
        Objects.requireNonNull(jwkSetJson, "jwkSetJson");
        JwksSettings defaults = JwksSettings.defaults();
        KeyProvider keys = new StaticKeys("urn:hardening:signature-only", jwkSetJson, defaults.maxKeys(),
                defaults.maxKidlessCandidates(), TimeSource.system(), true);
        return new SignatureVerifier(keys, IssuerPolicy.ASYMMETRIC_ALGORITHMS, TokenVerifier.DEFAULT_MAX_TOKEN_BYTES);
    }

    /**
     * @param jws the compact JWS
     * @return the verified payload bytes
     * @throws dev.hardening.auth.InvalidTokenException with the same reason the token verifier would give
     */
    public byte[] verify(CharSequence jws) {
        CompactJws parsed = CompactJws.parse(jws, maxTokenBytes);
        parsed.requireAlgorithmIn(algorithms);
        parsed.verifySignature(keys);
        return parsed.payload().clone();
    }
}
