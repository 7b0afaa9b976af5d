package dev.hardening.ratelimit;

import java.time.Duration;

/**
 * Receives what a limiter decides and what its guarded backend does, for metrics. Register one with
 * {@link RateLimitCounters#addListener(RateLimitListener)}; every limiter that updates those counters
 * calls it.
 *
 * <p>Called synchronously on the thread that made the decision (a request thread, or a Redis client
 * I/O thread for asynchronous decisions), so implementations must be fast, must not block and must
 * be thread-safe. An exception thrown by a listener is caught and logged; it never changes the
 * decision or fails the request. Every method has an empty default.
 */
public interface RateLimitListener {

    /**
     * A decision was made (once per decision, including fallback decisions).
     *
     * @param decision the decision; its {@link Decision#source()} says which backend made it
     */
    default void onDecision(Decision decision) {
    }

    /**
     * A call to the primary (shared) backend of a resilient limiter finished.
     *
     * @param took      how long the call took, on the limiter's time source
     * @param succeeded whether the backend answered; {@code false} for errors and timeouts
     */
    default void onPrimaryCall(Duration took, boolean succeeded) {
    }

    /**
     * The circuit breaker guarding the primary backend changed state.
     *
     * @param from the state left, such as {@code CLOSED}
     * @param to   the state entered, such as {@code OPEN} (from then on the fallback decides)
     */
    default void onBreakerTransition(String from, String to) {
    }
}
