package dev.hardening.auth;

/**
 * The introspection endpoint (RFC 7662) could not tell whether an opaque token is active: it was
 * unreachable, too slow, answered a status other than 200, or a malformed or oversized document,
 * and no earlier answer for the token was cached. Says nothing about the token; adapters answer 503
 * so clients retry later (never 401, never a pass). Carries a stack trace: it is rare and worth
 * diagnosing.
 */
public final class IntrospectionUnavailableException extends TokenRejectedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed (may name the endpoint, never a token or a client secret)
     * @param cause   the failure, if any; may be null
     */
    public IntrospectionUnavailableException(String message, Throwable cause) {
        super(RejectionReason.INTROSPECTION_UNAVAILABLE, message, cause, true);
    }
}
