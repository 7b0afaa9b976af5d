package dev.hardening.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hardening.auth.DpopNonceRequiredException;
import dev.hardening.auth.DpopNonces;
import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.DpopReplayCheck;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenRequest;
import dev.hardening.config.TimeSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) against the request and the access token it accompanies.
 * Own code on the verifier's strict JWS parser and JCA keys (see the module README for why not
 * Nimbus' OAuth SDK). Thread-safe.
 */
final class DpopProofVerifier {

    /** Longest {@code jti} accepted. */
    static final int MAX_JTI_LENGTH = 256;

    /** A proof key that passed the key policy, with its RFC 7638 thumbprint. */
    private record ProofKey(VerificationKey key, String thumbprint) {
    }

    private final DpopPolicy policy;
    private final DpopReplayCheck replay;
    private final TimeSource time;
    /** Converted proof keys by their JWK members: a client reuses its key for every request. Bounded. */
    private final Cache<Map<String, Object>, Optional<ProofKey>> keys = Caffeine.newBuilder().maximumSize(1024).build();

    DpopProofVerifier(DpopPolicy policy, TimeSource time) {
        this.policy = policy;
        this.time = time;
        this.replay = policy.replayCheck().orElseGet(() ->
                DpopReplayCheck.local(policy.replayTtl(), DpopReplayCheck.DEFAULT_LOCAL_CAPACITY, time));
    }

    private static InvalidTokenException reject(RejectionReason reason, String message) {
        return new InvalidTokenException(reason, "DPoP proof: " + message);
    }

    /**
     * @param request     the DPoP request (method, URL, proof)
     * @param accessToken the access token, already verified
     * @param jkt         the token's {@code cnf.jkt}
     * @throws InvalidTokenException       a proof reason ({@link RejectionReason#isProofError()})
     * @throws DpopNonceRequiredException  when nonces are required and the proof's is missing or stale
     */
    void verify(TokenRequest request, CharSequence accessToken, String jkt) {
        String proof = request.proof().orElseThrow(() -> reject(RejectionReason.DPOP_PROOF_INVALID, "missing DPoP header"));
        CompactJws jws;
        try {
            jws = CompactJws.parseProof(proof, policy.maxProofBytes());
        } catch (InvalidTokenException e) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "not an acceptable compact JWS (" + e.reason().code() + ")");
        }
        String typ = jws.typ();
        if (typ == null || !(typ.equalsIgnoreCase("dpop+jwt") || typ.equalsIgnoreCase("application/dpop+jwt"))) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "typ is not dpop+jwt");
        }
        if (!policy.algorithms().contains(jws.alg().name())) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "alg " + jws.alg().name() + " is not allowed");
        }
        Object jwk = jws.header().get("jwk");
        if (!(jwk instanceof Map)) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "no jwk header");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> jwkMap = (Map<String, Object>) jwk;
        ProofKey key = keys.get(jwkMap, DpopProofVerifier::convert).orElseThrow(() ->
                reject(RejectionReason.DPOP_PROOF_INVALID, "jwk is not an acceptable public key"));
        if (!jws.verifiesWith(key.key())) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "signature does not verify with its jwk");
        }
        Map<String, Object> claims;
        try {
            claims = CompactJws.json(jws.payload(), "payload");
        } catch (InvalidTokenException e) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "payload is not a JSON object");
        }
        String jti = string(claims, "jti");
        String htm = string(claims, "htm");
        String htu = string(claims, "htu");
        Object iatValue = claims.get("iat");
        if (!(iatValue instanceof Number)) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "iat is missing or not a number");
        }
        if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, "jti is empty or longer than " + MAX_JTI_LENGTH);
        }
        if (!htm.equals(request.method())) {
            throw reject(RejectionReason.DPOP_PROOF_MISMATCH, "htm is not the request method");
        }
        if (!sameResource(htu, request.url().orElseThrow())) {
            throw reject(RejectionReason.DPOP_PROOF_MISMATCH, "htu is not the request URL");
        }
        Instant now = time.now();
        Duration window = policy.proofWindow();
        long iat = ((Number) iatValue).longValue();
        if (iat < now.minus(window).getEpochSecond() || iat > now.plus(window).getEpochSecond()) {
            throw reject(RejectionReason.DPOP_PROOF_EXPIRED, "iat is more than " + window.toSeconds()
                    + " s from the server clock");
        }
        Object ath = claims.get("ath");
        if (!(ath instanceof String)) {
            throw reject(RejectionReason.DPOP_PROOF_MISMATCH, "ath is missing");
        }
        if (!MessageDigest.isEqual(((String) ath).getBytes(StandardCharsets.US_ASCII),
                Introspector.sha256(accessToken).getBytes(StandardCharsets.US_ASCII))) {
            throw reject(RejectionReason.DPOP_PROOF_MISMATCH, "ath is not the hash of the access token");
        }
        if (!MessageDigest.isEqual(key.thumbprint().getBytes(StandardCharsets.US_ASCII), jkt.getBytes(StandardCharsets.US_ASCII))) {
            throw reject(RejectionReason.DPOP_KEY_MISMATCH, "the proof key is not the key the token is bound to");
        }
        Optional<DpopNonces> nonces = policy.nonces();
        if (nonces.isPresent()) {
            Object nonce = claims.get("nonce");
            if (!(nonce instanceof String) || !nonces.get().accepts((String) nonce)) {
                throw new DpopNonceRequiredException(nonces.get().current(), "DPoP proof: nonce missing or stale");
            }
        }
        boolean first;
        try {
            first = replay.markIfFirst("dpop:" + Introspector.sha256(key.thumbprint() + "." + jti));
        } catch (RuntimeException e) {
            first = false;
        }
        if (!first) {
            throw reject(RejectionReason.DPOP_PROOF_REPLAYED, "jti was seen before");
        }
    }

    private static String string(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (!(v instanceof String)) {
            throw reject(RejectionReason.DPOP_PROOF_INVALID, name + " is missing or not a string");
        }
        return (String) v;
    }

    private static Optional<ProofKey> convert(Map<String, Object> jwk) {
        VerificationKey k = KeySetParser.proofKey(jwk);
        if (k == null) {
            return Optional.empty();
        }
        return thumbprint(jwk).map(t -> new ProofKey(k, t));
    }

    /**
     * RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
     *
     * @param jwk the JWK members
     * @return the base64url thumbprint, or empty when a required member is missing or not a string
     */
    static Optional<String> thumbprint(Map<String, Object> jwk) {
        Object kty = jwk.get("kty");
        List<String> members;
        if ("RSA".equals(kty)) {
            members = List.of("e", "kty", "n");
        } else if ("EC".equals(kty)) {
            members = List.of("crv", "kty", "x", "y");
        } else if ("OKP".equals(kty)) {
            members = List.of("crv", "kty", "x");
        } else {
            return Optional.empty();
        }
        StringBuilder json = new StringBuilder("{");
        for (String m : members) {
            Object v = jwk.get(m);
            if (!(v instanceof String)) {
                return Optional.empty();
            }
            if (json.length() > 1) {
                json.append(',');
            }
            // Every value is base64url or a registered name: no character needs escaping.
            String s = (String) v;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    return Optional.empty();
                }
            }
            json.append('"').append(m).append("\":\"").append(s).append('"');
        }
        json.append('}');
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.US_ASCII));
            return Optional.of(Base64Url.encode(h));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /**
     * RFC 9449 §4.3 step 9: {@code htu} names the request URL, ignoring query and fragment, after
     * RFC 3986 syntax-based normalisation (case of scheme and host, default port, empty path).
     */
    static boolean sameResource(String htu, URI request) {
        URI proof;
        try {
            proof = new URI(htu);
        } catch (URISyntaxException e) {
            return false;
        }
        if (!proof.isAbsolute() || proof.getHost() == null || proof.getRawUserInfo() != null) {
            return false;
        }
        return normalized(proof).equals(normalized(request));
    }

    private static String normalized(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
            port = -1;
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port) + path;
    }
}
