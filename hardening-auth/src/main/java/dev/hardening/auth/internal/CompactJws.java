package dev.hardening.auth.internal;

import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.RejectionReason;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compact JWS whose structure and header passed the verifier's checks, and the signature check
 * against a {@link KeyProvider}. Shared by the JWT verifier ({@link DefaultTokenVerifier}) and the
 * signature-only {@link SignatureVerifier}, so both apply exactly the same rules. Immutable.
 */
final class CompactJws {

    private static final Set<String> UNTRUSTED_HEADERS = Set.of("jku", "x5u", "jwk", "x5c");

    private final CharSequence token;
    private final int signingInputEnd;
    private final Map<String, Object> header;
    private final JwsAlgorithm alg;
    private final String kid;
    private final String typ;
    private final byte[] payload;
    private final byte[] signature;

    private CompactJws(CharSequence token, int signingInputEnd, Map<String, Object> header, JwsAlgorithm alg,
                       String kid, String typ, byte[] payload, byte[] signature) {
        this.token = token;
        this.signingInputEnd = signingInputEnd;
        this.header = header;
        this.alg = alg;
        this.kid = kid;
        this.typ = typ;
        this.payload = payload;
        this.signature = signature;
    }

    static InvalidTokenException reject(RejectionReason reason, String message) {
        return new InvalidTokenException(reason, message);
    }

    /**
     * Checks, in order: the size cap (before any parsing), compact form (three parts; JSON
     * serialization and JWE refused), canonical base64url in every part, a non-empty signature,
     * a header that is a UTF-8 JSON object with a known asymmetric {@code alg}, no
     * {@code jku}/{@code x5u}/{@code jwk}/{@code x5c}, no {@code crit}, no {@code b64}/{@code enc}/{@code zip},
     * no nested {@code cty: JWT}, string {@code kid} and {@code typ}. The payload is not parsed.
     *
     * @param token         the compact JWS
     * @param maxTokenBytes the size cap
     * @return the parsed JWS
     * @throws InvalidTokenException on the first failed check
     */
    public static CompactJws parse(CharSequence token, int maxTokenBytes) {
        return parse(token, maxTokenBytes, false);
    }

    /**
     * Parses a DPoP proof: the same checks as {@link #parse(CharSequence, int)}, except that the
     * {@code jwk} header is allowed (the proof is verified with it; whether that key may be used is
     * the caller's decision).
     *
     * @param proof         the compact JWS
     * @param maxProofBytes the size cap
     * @return the parsed JWS
     * @throws InvalidTokenException on the first failed check
     */
    static CompactJws parseProof(CharSequence proof, int maxProofBytes) {
        return parse(proof, maxProofBytes, true);
    }

    private static CompactJws parse(CharSequence token, int maxTokenBytes, boolean proof) {
        if (token == null || token.length() == 0) {
            throw reject(RejectionReason.MISSING, "no token");
        }
        if (token.length() > maxTokenBytes) {
            throw reject(RejectionReason.TOO_LARGE, "token of " + token.length() + " characters exceeds " + maxTokenBytes);
        }
        if (token.charAt(0) == '{') {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "JSON serialization is not accepted (expected: compact JWS)");
        }
        int dot1 = -1;
        int dot2 = -1;
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                dots++;
                if (dots == 1) {
                    dot1 = i;
                } else if (dots == 2) {
                    dot2 = i;
                }
            }
        }
        if (dots == 4) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "JWE is not accepted (expected: compact JWS)");
        }
        if (dots != 2) {
            throw reject(RejectionReason.MALFORMED, "expected 3 dot-separated parts, found " + (dots + 1));
        }
        byte[] headerBytes = Base64Url.decodeStrict(token, 0, dot1);
        byte[] payloadBytes = Base64Url.decodeStrict(token, dot1 + 1, dot2);
        byte[] signature = Base64Url.decodeStrict(token, dot2 + 1, token.length());
        if (headerBytes == null || payloadBytes == null || signature == null) {
            throw reject(RejectionReason.MALFORMED, "a part is not canonical base64url");
        }
        if (signature.length == 0) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "empty signature (unsecured JWS is never accepted)");
        }
        Map<String, Object> header = json(headerBytes, "header");
        Object algValue = header.get("alg");
        if (!(algValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "header has no string alg");
        }
        Optional<JwsAlgorithm> algOpt = JwsAlgorithm.byName((String) algValue);
        if (algOpt.isEmpty()) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "alg is not an allowed asymmetric algorithm");
        }
        for (String name : header.keySet()) {
            if (UNTRUSTED_HEADERS.contains(name) && !(proof && name.equals("jwk"))) {
                throw reject(RejectionReason.UNTRUSTED_HEADER, "header parameter " + name + " is never trusted");
            }
        }
        if (header.containsKey("crit")) {
            throw reject(RejectionReason.CRITICAL_HEADER, "crit header parameters are not supported");
        }
        if (header.containsKey("b64") || header.containsKey("enc") || header.containsKey("zip")) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "unencoded, encrypted or compressed payloads are not accepted");
        }
        Object cty = header.get("cty");
        if (cty != null && (!(cty instanceof String) || ((String) cty).equalsIgnoreCase("JWT")
                || ((String) cty).equalsIgnoreCase("application/jwt"))) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "nested tokens are not accepted");
        }
        Object kidValue = header.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "kid is not a string");
        }
        Object typValue = header.get("typ");
        if (typValue != null && !(typValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "typ is not a string");
        }
        return new CompactJws(token, dot2, header, algOpt.get(), (String) kidValue, (String) typValue, payloadBytes,
                signature);
    }

    /**
     * Parses UTF-8 JSON text into an object with {@link TokenJson} (duplicate member names, nesting
     * deeper than {@value TokenJson#MAX_DEPTH}, invalid UTF-8 and anything but one object are rejected).
     *
     * @param bytes the encoded JSON
     * @param part  "header" or "payload", for the message
     * @return the object's members
     * @throws InvalidTokenException ({@link RejectionReason#MALFORMED}) if it is not a UTF-8 JSON object
     */
    static Map<String, Object> json(byte[] bytes, String part) {
        try {
            return TokenJson.parseObject(bytes);
        } catch (TokenJson.MalformedJsonException e) {
            throw reject(RejectionReason.MALFORMED, part + " is not a JSON object (" + e.getMessage() + ")");
        }
    }

    /**
     * @param allowed the allowed algorithm names
     * @throws InvalidTokenException ({@link RejectionReason#ALGORITHM_NOT_ALLOWED}) if {@code alg} is not one of them
     */
    void requireAlgorithmIn(Set<String> allowed) {
        if (!allowed.contains(alg.name())) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "alg " + alg.name() + " is not allowed for this issuer");
        }
    }

    /**
     * Finds the keys for {@code kid} (at most a few for a kid-less token) and verifies the signature.
     *
     * @param keys the issuer's keys (key policy already applied)
     * @return the key whose signature verified
     * @throws InvalidTokenException    {@link RejectionReason#UNKNOWN_KEY}, {@link RejectionReason#ALGORITHM_NOT_ALLOWED}
     *                                  (the key does not fit the algorithm) or {@link RejectionReason#BAD_SIGNATURE}
     * @throws dev.hardening.auth.KeysUnavailableException if the keys cannot be obtained
     */
    VerificationKey verifySignature(KeyProvider keys) {
        List<VerificationKey> candidates = keys.candidates(kid, alg);
        if (candidates.isEmpty()) {
            throw reject(RejectionReason.UNKNOWN_KEY, kid == null ? "no key of the issuer fits the algorithm"
                    : "the issuer publishes no usable key with this kid");
        }
        byte[] signingInput = signingInput();
        boolean fits = false;
        for (VerificationKey k : candidates) {
            if (k.supports(alg)) {
                fits = true;
                if (k.verify(alg, signingInput, signature)) {
                    return k;
                }
            }
        }
        if (!fits) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "the key with this kid does not fit the algorithm");
        }
        throw reject(RejectionReason.BAD_SIGNATURE, "signature does not verify");
    }

    /**
     * Verifies the signature with one given key (a DPoP proof's own {@code jwk}).
     *
     * @param key the key
     * @return whether the key fits the algorithm and the signature verifies
     */
    boolean verifiesWith(VerificationKey key) {
        return key.supports(alg) && key.verify(alg, signingInput(), signature);
    }

    /** The ASCII bytes of {@code header.payload}: every character was checked to be base64url or '.'. */
    private byte[] signingInput() {
        byte[] out = new byte[signingInputEnd];
        for (int i = 0; i < signingInputEnd; i++) {
            out[i] = (byte) token.charAt(i);
        }
        return out;
    }

    /** @return the header members */
    Map<String, Object> header() {
        return header;
    }

    /** @return the algorithm */
    JwsAlgorithm alg() {
        return alg;
    }

    /** @return the kid, or null */
    String kid() {
        return kid;
    }

    /** @return the typ, or null */
    String typ() {
        return typ;
    }

    /** @return the decoded payload (not a copy) */
    byte[] payload() {
        return payload;
    }
}
