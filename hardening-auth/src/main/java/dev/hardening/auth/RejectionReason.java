package dev.hardening.auth;

import java.util.Locale;

/**
 * Why a token was not accepted. Each constant has a stable, lower-case {@link #code()} that may be
 * logged, counted and returned to clients (for example as the RFC 6750 {@code error_description});
 * codes are never renamed.
 *
 * <p>{@link #status()} tells an adapter which HTTP status to answer: 401 for an invalid token, 403
 * for a valid token without the required scope, 503 when the issuer's keys are unavailable (the
 * token may be fine; the client should retry later).
 */
public enum RejectionReason {
    /** No token was presented. */
    MISSING(401),
    /** The token is larger than the configured cap; rejected before any parsing. */
    TOO_LARGE(401),
    /** Not a compact JWS: wrong number of parts, non-canonical base64url, bad JSON, bad claim types. */
    MALFORMED(401),
    /** A JWE, JSON serialization, unencoded payload ({@code b64: false}) or nested token. */
    UNSUPPORTED_FORMAT(401),
    /** The {@code alg} header is not in the issuer's allow-list (including {@code none} and HS*). */
    ALGORITHM_NOT_ALLOWED(401),
    /** The header carries {@code jku}, {@code x5u}, {@code jwk} or {@code x5c}: key material is never taken from a token. */
    UNTRUSTED_HEADER(401),
    /** The header lists {@code crit} parameters; none are understood. */
    CRITICAL_HEADER(401),
    /** The {@code typ} header or the claims do not fit the expected token kind (ID token vs access token). */
    WRONG_TOKEN_TYPE(401),
    /** No usable key of the issuer has the token's {@code kid} (or fits the algorithm). */
    UNKNOWN_KEY(401),
    /** The signature does not verify with the issuer's key. */
    BAD_SIGNATURE(401),
    /** A required claim is absent. */
    MISSING_CLAIM(401),
    /** A claim has a value that can never be valid (for example {@code exp} before {@code iat}). */
    INVALID_CLAIM(401),
    /** {@code exp} is in the past, beyond the allowed clock skew. */
    EXPIRED(401),
    /** {@code nbf} is in the future, beyond the allowed clock skew. */
    NOT_YET_VALID(401),
    /** {@code iat} is in the future, beyond the allowed clock skew. */
    ISSUED_IN_FUTURE(401),
    /** {@code exp - iat} exceeds the issuer's maximum token lifetime. */
    LIFETIME_TOO_LONG(401),
    /** {@code iss} is not one of the configured issuers (exact string match). */
    WRONG_ISSUER(401),
    /** No value of {@code aud} is an accepted audience. */
    WRONG_AUDIENCE(401),
    /** The ID token's {@code nonce} is absent or differs from the expected one. */
    NONCE_MISMATCH(401),
    /** The ID token's {@code azp} is absent where required or is not the client id. */
    WRONG_AUTHORIZED_PARTY(401),
    /** Introspection (RFC 7662) answered {@code active: false}: revoked, expired or unknown to the provider. */
    INACTIVE(401),
    /** A key-bound token ({@code cnf.jkt}, RFC 9449) was presented as a Bearer token, without its DPoP proof. */
    DPOP_BOUND_TOKEN(401),
    /** The {@code DPoP} scheme was used with a token that is not bound to a key ({@code cnf.jkt} absent). */
    DPOP_NOT_BOUND(401),
    /**
     * The DPoP proof is missing, malformed, not {@code typ: dpop+jwt}, uses an algorithm outside the
     * allow-list, carries no public {@code jwk} (or one with private members), or its signature does
     * not verify with that {@code jwk}.
     */
    DPOP_PROOF_INVALID(401),
    /** The proof was made for another request or token: {@code htm}, {@code htu} or {@code ath} differs. */
    DPOP_PROOF_MISMATCH(401),
    /** The proof's {@code iat} is outside the accepted window around the server's clock. */
    DPOP_PROOF_EXPIRED(401),
    /** The proof's {@code jti} was seen before: a replayed proof. */
    DPOP_PROOF_REPLAYED(401),
    /** The proof key's thumbprint is not the token's {@code cnf.jkt}. */
    DPOP_KEY_MISMATCH(401),
    /** Server nonces are required and the proof has none or a stale one (error {@code use_dpop_nonce}). */
    DPOP_NONCE_REQUIRED(401),
    /** The token is valid but lacks a required scope. */
    INSUFFICIENT_SCOPE(403),
    /** The issuer's keys could not be obtained (provider down, nothing cached). */
    KEYS_UNAVAILABLE(503),
    /** The introspection endpoint did not answer usefully in time (down, slow, non-200, malformed) and nothing was cached. */
    INTROSPECTION_UNAVAILABLE(503);

    private final int status;
    private final String code;

    RejectionReason(int status) {
        this.status = status;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** @return the stable reason code, such as {@code expired} or {@code keys_unavailable} */
    public String code() {
        return code;
    }

    /**
     * @return whether this rejection concerns the DPoP proof rather than the token: adapters answer
     *     {@code error="invalid_dpop_proof"} (or {@code use_dpop_nonce}) instead of {@code invalid_token}
     */
    public boolean isProofError() {
        return this == DPOP_PROOF_INVALID || this == DPOP_PROOF_MISMATCH || this == DPOP_PROOF_EXPIRED
                || this == DPOP_PROOF_REPLAYED || this == DPOP_KEY_MISMATCH || this == DPOP_NONCE_REQUIRED;
    }

    /** @return the HTTP status an adapter answers: 401, 403 or 503 */
    public int status() {
        return status;
    }
}
