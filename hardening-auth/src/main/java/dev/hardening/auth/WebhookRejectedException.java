package dev.hardening.auth;

/**
 * A webhook delivery was refused. The message names the problem, never the secret, the expected
 * signature or the body. No stack trace (hot path).
 */
public final class WebhookRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final WebhookRejection reason;

    /**
     * @param reason  why
     * @param message what was wrong
     */
    public WebhookRejectedException(WebhookRejection reason, String message) {
        super(reason.code() + ": " + message, null, false, false);
        this.reason = reason;
    }

    /** @return why the delivery was refused */
    public WebhookRejection reason() {
        return reason;
    }

    /** @return the HTTP status to answer */
    public int status() {
        return reason.status();
    }
}
