package dev.hardening.auth;

/**
 * The issuer's signing keys could not be obtained in time (provider down or slow, and no usable
 * cached keys). Says nothing about the token; adapters answer 503 so clients retry later.
 */
public final class KeysUnavailableException extends TokenRejectedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed (may name the issuer and the JWKS URL, never a token)
     * @param cause   the last fetch failure, if any; may be null
     */
    public KeysUnavailableException(String message, Throwable cause) {
        super(RejectionReason.KEYS_UNAVAILABLE, message, cause, true);
    }
}
