package dev.hardening.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the JWKS cache of one issuer did or saw.
 *
 * @param type   what happened
 * @param issuer the issuer it concerns
 * @param at     when (from the verifier's clock)
 * @param detail a short human-readable detail (URLs, key ids, counts, error kinds; never a token)
 */
public record JwksEvent(Type type, String issuer, Instant at, String detail) {

    /** Kinds of event. */
    public enum Type {
        /** A JWK set was fetched and parsed; detail lists the usable key ids. */
        FETCH_SUCCEEDED,
        /** One HTTP attempt (discovery or JWKS) failed; detail names the error kind. */
        FETCH_FAILED,
        /** A whole refresh failed after its retries; last good keys (if any) stay in use. */
        REFRESH_FAILED,
        /** A refresh was wanted but the per-window fetch limit was reached. */
        REFRESH_RATE_LIMITED,
        /** A token named a {@code kid} the issuer does not publish. */
        UNKNOWN_KID,
        /** A key in the set was ignored by policy (weak, wrong use, private, duplicate kid …). */
        KEY_IGNORED,
        /** Keys past their cache lifetime are being served because the provider fails. */
        SERVING_STALE_KEYS
    }

    /**
     * @throws NullPointerException if any field is null
     */
    public JwksEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }
}
