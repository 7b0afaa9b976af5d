package dev.hardening.auth;

import java.util.Objects;

/**
 * A token was not accepted. The subclass tells the kind ({@link InvalidTokenException} → 401,
 * {@link InsufficientScopeException} → 403, {@link KeysUnavailableException} → 503) and
 * {@link #reason()} the stable reason code.
 *
 * <p>Messages never contain the token, a claim value chosen by the sender, or a secret.
 * Unchecked so that handlers and lambdas can let it propagate to the adapter.
 */
public abstract class TokenRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;

    TokenRejectedException(RejectionReason reason, String message, Throwable cause, boolean stackTrace) {
        super(reason.code() + ": " + Objects.requireNonNull(message, "message"), cause, false, stackTrace);
        this.reason = reason;
    }

    /** @return why the token was rejected; its {@link RejectionReason#code()} is stable */
    public RejectionReason reason() {
        return reason;
    }

    /** @return the HTTP status an adapter should answer (401, 403 or 503) */
    public int status() {
        return reason.status();
    }
}
