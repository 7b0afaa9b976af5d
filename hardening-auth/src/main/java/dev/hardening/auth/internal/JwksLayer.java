package dev.hardening.auth.internal;

/**
 * One layer of the JWKS stack that {@link JwksStack} assembles; lets a test walk the stack from
 * the outside in and pin its order.
 */
interface JwksLayer {

    /** @return the layer this one delegates to, or {@code null} for the innermost (HTTP) layer */
    JwksLayer below();
}
