package dev.hardening.auth;

import java.util.Objects;

/**
 * A DPoP proof lacked the server nonce or carried a stale one (RFC 9449 §9). Adapters answer 401
 * with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and a {@code DPoP-Nonce} header
 * holding {@link #nonce()}; the client retries with a new proof. Carries no stack trace.
 */
public final class DpopNonceRequiredException extends TokenRejectedException {

    private static final long serialVersionUID = 1L;

    private final String nonce;

    /**
     * @param nonce   the nonce the client must use next
     * @param message what was wrong, without sender-chosen values
     */
    public DpopNonceRequiredException(String nonce, String message) {
        super(RejectionReason.DPOP_NONCE_REQUIRED, message, null, false);
        this.nonce = Objects.requireNonNull(nonce, "nonce");
    }

    /** @return the nonce the client must put in its next proof */
    public String nonce() {
        return nonce;
    }
}
