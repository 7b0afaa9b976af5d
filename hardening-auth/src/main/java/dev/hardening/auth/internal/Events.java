package dev.hardening.auth.internal;

import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksListener;
import dev.hardening.config.TimeSource;
import java.util.List;

/** Delivers events to listeners; a throwing listener is ignored. Thread-safe. */
final class Events {

    private final String issuer;
    private final TimeSource time;
    private final List<JwksListener> listeners;

    Events(String issuer, TimeSource time, List<JwksListener> listeners) {
        this.issuer = issuer;
        this.time = time;
        this.listeners = listeners;
    }

    void emit(JwksEvent.Type type, String detail) {
        if (listeners.isEmpty()) {
            return;
        }
        JwksEvent event = new JwksEvent(type, issuer, time.now(), detail);
        for (JwksListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException ignored) {
                // A listener cannot break verification.
            }
        }
    }
}
