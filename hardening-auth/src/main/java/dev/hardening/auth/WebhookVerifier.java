package dev.hardening.auth;

import dev.hardening.config.StartupCheck;
import java.util.Optional;
import java.util.function.Function;

/**
 * Verifies the HMAC signature of a webhook delivery over its raw body. Implementations read the
 * secret at every call (so a rotated secret applies without restart), accept the previous secrets
 * of {@link dev.hardening.config.Secret#candidates()} during a rotation, compare in constant time,
 * and refuse with {@link WebhookRejection#SECRET_UNSET} (503) when no secret is configured: they
 * never skip verification. Thread-safe.
 */
public interface WebhookVerifier extends StartupCheck {

    /**
     * @param body    the raw request body, exactly as received
     * @param headers looks up a request header by name (case-insensitive), empty when absent
     * @throws WebhookRejectedException if the delivery must not be processed
     */
    void verify(byte[] body, Function<String, Optional<String>> headers);
}
