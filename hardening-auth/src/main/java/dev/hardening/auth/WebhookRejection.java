package dev.hardening.auth;

import java.util.Locale;

/** Why a webhook delivery was refused, with a stable {@link #code()} and the HTTP status to answer. */
public enum WebhookRejection {
    /** No secret is configured: the endpoint answers 503 and never skips verification. */
    SECRET_UNSET(503),
    /** The signature header is absent. */
    MISSING_SIGNATURE(401),
    /** The signature header does not have the expected form. */
    MALFORMED_SIGNATURE(401),
    /** The signature does not match the body under any accepted secret. */
    BAD_SIGNATURE(401),
    /** The signed timestamp is outside the replay window. */
    STALE_TIMESTAMP(401),
    /** The body exceeds the adapter's size cap. */
    BODY_TOO_LARGE(413);

    private final int status;

    WebhookRejection(int status) {
        this.status = status;
    }

    /** @return the HTTP status: 401, 413 or 503 */
    public int status() {
        return status;
    }

    /** @return the stable lower-case code */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
