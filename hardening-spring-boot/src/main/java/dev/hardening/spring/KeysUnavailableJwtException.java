package dev.hardening.spring;

import dev.hardening.auth.KeysUnavailableException;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Thrown by {@link HardeningJwtDecoder} when the issuer's keys cannot be obtained (provider down,
 * nothing cached). Not a {@link org.springframework.security.oauth2.jwt.BadJwtException}: Spring
 * Security does not turn it into a 401; the starter's problem filter answers 503 with
 * {@code Retry-After}, so clients retry instead of dropping a valid token.
 *
 * <p>The message is the stable reason code {@code keys_unavailable}; it never carries a token.
 */
public final class KeysUnavailableJwtException extends JwtException {

    private static final long serialVersionUID = 1L;

    /**
     * @param cause the verifier's rejection
     */
    public KeysUnavailableJwtException(KeysUnavailableException cause) {
        super(cause.reason().code(), cause);
    }
}
