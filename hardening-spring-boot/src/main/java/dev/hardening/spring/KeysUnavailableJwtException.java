package dev.hardening.spring;

import dev.hardening.auth.TokenRejectedException;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Thrown by {@link HardeningJwtDecoder} when the issuer's keys cannot be obtained (provider down,
 * nothing cached) or an opaque token cannot be introspected (endpoint down, slow, non-200,
 * malformed, nothing cached). Not a {@link org.springframework.security.oauth2.jwt.BadJwtException}: Spring
 * Security does not turn it into a 401; the starter's problem filter answers 503 with
 * {@code Retry-After}, so clients retry instead of dropping a valid token.
 *
 * <p>The message is the stable reason code ({@code keys_unavailable} or
 * {@code introspection_unavailable}); it never carries a token.
 */
public final class KeysUnavailableJwtException extends JwtException {

    private static final long serialVersionUID = 1L;

    /**
     * @param cause the verifier's rejection, one whose {@code reason().status()} is 503
     *     ({@code KeysUnavailableException}, {@code IntrospectionUnavailableException})
     * @throws IllegalArgumentException if the rejection is not a 503 one
     */
    public KeysUnavailableJwtException(TokenRejectedException cause) {
        super(cause.reason().code(), cause);
        if (cause.reason().status() != 503) {
            throw new IllegalArgumentException("cause: " + cause.reason().code() + " (expected: a 503 reason)");
        }
    }
}
