package dev.hardening.auth;

import java.util.List;

/**
 * The token is valid but does not grant a required scope. Adapters answer 403 with
 * {@code WWW-Authenticate: Bearer error="insufficient_scope", scope="..."}.
 */
public final class InsufficientScopeException extends TokenRejectedException {

    private static final long serialVersionUID = 1L;

    private final List<String> required;

    /**
     * @param required the scopes that were required (safe to show: they come from the server's
     *                 own configuration)
     */
    public InsufficientScopeException(List<String> required) {
        super(RejectionReason.INSUFFICIENT_SCOPE, "token lacks required scope " + String.join(" ", required), null, false);
        this.required = List.copyOf(required);
    }

    /** @return the scopes that were required */
    public List<String> required() {
        return required;
    }
}
