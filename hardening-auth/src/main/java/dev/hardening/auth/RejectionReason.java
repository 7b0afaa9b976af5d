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
    /** The token is valid but lacks a required scope. */
    INSUFFICIENT_SCOPE(403),
    /** The issuer's keys could not be obtained (provider down, nothing cached). */
    KEYS_UNAVAILABLE(503);

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

    /** @return the HTTP status an adapter answers: 401, 403 or 503 */
    public int status() {
        return status;
    }
}
