package dev.hardening.ratelimit;

import dev.hardening.config.Failures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters a user can export to a metrics system: decisions allowed and denied, backend errors,
 * decisions made by a fallback, corrupt Redis values repaired, circuit-breaker transitions, denials
 * observed in shadow mode and decisions made by a local limiter's overflow bucket. Thread-safe; updates are cheap ({@link LongAdder}).
 * Metrics binders that need each event (by source, with durations) register a
 * {@link RateLimitListener} through {@link #addListener(RateLimitListener)}.
 */
public final class RateLimitCounters {

    /** Most listeners one set of counters accepts. */
    public static final int MAX_LISTENERS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitCounters.class);

    private final CopyOnWriteArrayList<RateLimitListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

    private final LongAdder allowed = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder fallbackDecisions = new LongAdder();
    private final LongAdder corruptValues = new LongAdder();
    private final LongAdder breakerTransitions = new LongAdder();
    private final LongAdder shadowDenied = new LongAdder();
    private final LongAdder overflowDecisions = new LongAdder();
    private volatile Supplier<String> breakerState = () -> "NONE";

    /** Creates counters at zero. */
    public RateLimitCounters() {
        // nothing else
    }

    /**
     * Records a decision.
     *
     * @param decision the decision
     */
    public void record(Decision decision) {
        if (decision.allowed()) {
            allowed.increment();
        } else {
            denied.increment();
        }
        if (decision.source().isFallback()) {
            fallbackDecisions.increment();
        }
        if (!listeners.isEmpty()) {
            for (RateLimitListener listener : listeners) {
                try {
                    listener.onDecision(decision);
                } catch (RuntimeException e) {
                    listenerFailed(e);
                }
            }
        }
    }

    /**
     * Adds a listener that every limiter updating these counters calls from now on. A listener that
     * throws is logged (once, at WARN) and otherwise ignored. Thread-safe.
     *
     * @param listener the listener
     * @throws NullPointerException  if {@code listener} is null
     * @throws IllegalStateException if {@link #MAX_LISTENERS} listeners are already registered
     */
    public void addListener(RateLimitListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (listeners) {
            if (listeners.size() >= MAX_LISTENERS) {
                throw new IllegalStateException("listeners: " + listeners.size() + " registered (expected: at most "
                        + MAX_LISTENERS + ")");
            }
            listeners.add(listener);
        }
    }

    /**
     * Records one call to a resilient limiter's primary backend and tells the listeners; called by
     * the resilient limiter.
     *
     * @param took      how long the call took
     * @param succeeded whether the backend answered
     */
    public void recordPrimaryCall(Duration took, boolean succeeded) {
        for (RateLimitListener listener : listeners) {
            try {
                listener.onPrimaryCall(took, succeeded);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    /**
     * Records a circuit-breaker state transition and tells the listeners.
     *
     * @param from the state left
     * @param to   the state entered
     */
    public void recordBreakerTransition(String from, String to) {
        breakerTransitions.increment();
        for (RateLimitListener listener : listeners) {
            try {
                listener.onBreakerTransition(from, to);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    private void listenerFailed(RuntimeException e) {
        if (listenerFailureLogged.compareAndSet(false, true)) {
            LOG.warn("a rate-limit listener failed; decisions are unaffected (logged once): {}", Failures.describe(e));
        } else {
            LOG.debug("a rate-limit listener failed again", e);
        }
    }

    /** Records a backend error (the decision, if any, is recorded separately). */
    public void recordError() {
        errors.increment();
    }

    /** Records a corrupt value found and replaced in Redis. */
    public void recordCorruptValue() {
        corruptValues.increment();
    }

    /** Records a circuit-breaker state transition. */
    public void recordBreakerTransition() {
        breakerTransitions.increment();
    }

    /** Records a request that would have been denied but was let through by shadow mode. */
    public void recordShadowDenied() {
        shadowDenied.increment();
    }

    /** Records a decision a local limiter made with its shared overflow bucket because its map was full. */
    public void recordOverflow() {
        overflowDecisions.increment();
    }

    /**
     * @param state supplies the current breaker state name; replaces any previous supplier
     */
    public void breakerStateSource(Supplier<String> state) {
        this.breakerState = java.util.Objects.requireNonNull(state, "state");
    }

    /** @return decisions that allowed the request */
    public long allowed() {
        return allowed.sum();
    }

    /** @return decisions that denied the request */
    public long denied() {
        return denied.sum();
    }

    /** @return backend errors (Redis failures, timeouts, errors replies) */
    public long errors() {
        return errors.sum();
    }

    /** @return decisions made by a fallback while the primary backend was unavailable */
    public long fallbackDecisions() {
        return fallbackDecisions.sum();
    }

    /** @return corrupt or foreign values found under a limiter key and replaced */
    public long corruptValues() {
        return corruptValues.sum();
    }

    /** @return circuit-breaker state transitions */
    public long breakerTransitions() {
        return breakerTransitions.sum();
    }

    /** @return requests let through in shadow mode that would have been denied */
    public long shadowDenied() {
        return shadowDenied.sum();
    }

    /**
     * @return decisions a local limiter charged to its shared overflow bucket because every place in its
     *     map held a bucket still refilling (a flood of new keys); see {@link LocalLimiterBuilder}
     */
    public long overflowDecisions() {
        return overflowDecisions.sum();
    }

    /** @return the circuit breaker's current state ({@code CLOSED}, {@code OPEN}, ...) or {@code NONE} */
    public String breakerState() {
        return breakerState.get();
    }

    @Override
    public String toString() {
        return "RateLimitCounters{allowed=" + allowed() + ", denied=" + denied() + ", errors=" + errors()
                + ", fallback=" + fallbackDecisions() + ", corrupt=" + corruptValues() + ", breaker="
                + breakerState() + ", transitions=" + breakerTransitions() + ", shadowDenied="
                + shadowDenied() + ", overflow=" + overflowDecisions() + "}";
    }
}
