package dev.hardening.auth;

/**
 * The token is not valid: malformed, forged, expired, for another issuer or audience, or of the
 * wrong kind. Adapters answer 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}.
 * Thrown on the hot path, so it carries no stack trace.
 */
public final class InvalidTokenException extends TokenRejectedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason  why; must be a 401 reason
     * @param message what was wrong, without the token or sender-chosen values
     * @throws IllegalArgumentException if the reason is not a 401 reason
     */
    public InvalidTokenException(RejectionReason reason, String message) {
        super(check(reason), message, null, false);
    }

    private static RejectionReason check(RejectionReason reason) {
        if (reason.status() != 401) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: a 401 reason)");
        }
        return reason;
    }
}
