package dev.hardening.spring.internal;

import dev.hardening.auth.JwksListener;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.StartupReport;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import java.util.List;

/**
 * How the starter's auto-configurations let an observer see the components they create: each
 * auto-configuration passes what it built through the one instrumentation bean, if there is one,
 * and uses what comes back. Without Micrometer (or with {@code hardening.metrics.enabled=false})
 * there is none and every component is used as built. Keeps Micrometer types out of the other
 * auto-configurations, so an application without Micrometer never loads them.
 *
 * <p>Implementations must be thread-safe and never throw from the returned wrappers' calls.
 */
public interface StarterInstrumentation {

    /** No instrumentation: every component is used as built. */
    StarterInstrumentation NONE = new StarterInstrumentation() { };

    /** @return listeners to add to the starter's token verifier (JWKS events) */
    default List<JwksListener> jwksListeners() {
        return List.of();
    }

    /**
     * @param verifier the starter's verifier
     * @return the verifier to use everywhere instead
     */
    default TokenVerifier verifier(TokenVerifier verifier) {
        return verifier;
    }

    /**
     * @param verifier a webhook verifier the starter built
     * @param name     its name ({@code github})
     * @return the verifier to use instead
     */
    default WebhookVerifier webhook(WebhookVerifier verifier, String name) {
        return verifier;
    }

    /**
     * @param store a dedup store the starter built
     * @param name  its name ({@code github})
     * @return the store to use instead
     */
    default DedupStore dedup(DedupStore store, String name) {
        return store;
    }

    /**
     * @param rateLimiting the rate limiting the starter built
     * @param name         the limiter's name ({@code api})
     */
    default void rateLimiting(RateLimiting rateLimiting, String name) {
    }

    /** @return listeners told how the Boot drain ended */
    default List<ShutdownListener> shutdownListeners() {
        return List.of();
    }

    /** @param report the startup report the service booted with */
    default void startupReport(StartupReport report) {
    }
}
