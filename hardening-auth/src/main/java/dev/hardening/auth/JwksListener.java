package dev.hardening.auth;

/**
 * Receives {@link JwksEvent}s. Called synchronously on the thread that caused the event (a request
 * thread or the refresh thread), so implementations must be fast and thread-safe. An exception
 * thrown by a listener is caught and ignored; it never affects verification.
 */
@FunctionalInterface
public interface JwksListener {

    /** @param event what happened */
    void onEvent(JwksEvent event);

    /** @return a listener that ignores every event */
    static JwksListener none() {
        return event -> { };
    }
}
