package dev.hardening.auth;

/**
 * Server-provided DPoP nonces (RFC 9449 §9): when a {@link DpopPolicy} has one, every proof must
 * carry a {@code nonce} this source {@link #accepts}; otherwise the request is refused with
 * {@code error="use_dpop_nonce"} and a {@code DPoP-Nonce} header holding {@link #current()}.
 * Not required by default. Implementations must be thread-safe (a rotating value shared by the
 * replicas, for example).
 */
public interface DpopNonces {

    /** @return the nonce to hand to a client that sent none or a stale one (visible ASCII, no quotes) */
    String current();

    /**
     * @param nonce the proof's {@code nonce}
     * @return whether it is still accepted (the current one, and usually the previous one)
     */
    boolean accepts(String nonce);
}
