package dev.hardening.auth;

/**
 * The kind of token an issuer's tokens must be. ID tokens and access tokens are never
 * interchangeable (RFC 8725 §3.11): each profile rejects the other kind's markers.
 */
public enum TokenProfile {
    /**
     * An access token for an API: {@code typ} absent, {@code JWT}, {@code at+jwt} or
     * {@code application/at+jwt}; {@code sub} required; tokens carrying ID-token-only claims
     * ({@code nonce}, {@code at_hash}, {@code c_hash}) are rejected. The default.
     */
    ACCESS_TOKEN,
    /**
     * A strict RFC 9068 access token: {@code typ} must be {@code at+jwt} (or
     * {@code application/at+jwt}); {@code sub}, {@code client_id} and {@code jti} required;
     * ID-token-only claims rejected.
     */
    RFC9068_ACCESS_TOKEN,
    /**
     * An OpenID Connect ID token: {@code typ} absent or {@code JWT} ({@code at+jwt} rejected);
     * {@code sub} required; the audience must contain the client id; {@code azp} required and equal
     * to the client id when there are several audiences; {@code nonce} checked when one is expected.
     */
    ID_TOKEN
}
