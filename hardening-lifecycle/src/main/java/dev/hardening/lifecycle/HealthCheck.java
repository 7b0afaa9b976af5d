package dev.hardening.lifecycle;

/**
 * A readiness condition chosen by the application, such as "the JWKS keys are cached" or "Redis
 * answered in the last 10 seconds". Called on every {@code /readyz} request, so it must be cheap
 * and must not block: read a state that something else keeps up to date. Thread-safe.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * @return whether the condition holds; throwing counts as {@code false}
     */
    boolean isHealthy();
}
