package dev.hardening.lifecycle.internal;

import dev.hardening.config.Failures;
import dev.hardening.lifecycle.DrainSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The coordinator's {@link DrainSignal}: a bounded registry of callbacks fired once. Thread-safe. */
public final class DefaultDrainSignal implements DrainSignal {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultDrainSignal.class);

    private final Map<Long, Runnable> listeners = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean draining;

    @Override
    public boolean isDraining() {
        return draining;
    }

    @Override
    public Registration onDrain(Runnable onDrain) {
        Objects.requireNonNull(onDrain, "onDrain");
        if (draining) {
            runGuarded(onDrain);
            return () -> { };
        }
        if (listeners.size() >= MAX_LISTENERS) {
            throw new IllegalStateException("drain listeners: " + listeners.size()
                    + " registered (expected: at most " + MAX_LISTENERS + "; close the registration when a stream ends)");
        }
        Long id = ids.incrementAndGet();
        listeners.put(id, onDrain);
        if (draining && listeners.remove(id) != null) {
            runGuarded(onDrain);
        }
        return () -> listeners.remove(id);
    }

    /**
     * Marks draining and runs every registered callback once, on the calling thread.
     *
     * @return how many callbacks ran
     */
    public int fire() {
        draining = true;
        List<Long> keys = new ArrayList<>(listeners.keySet());
        int n = 0;
        for (Long k : keys) {
            Runnable r = listeners.remove(k);
            if (r != null) {
                runGuarded(r);
                n++;
            }
        }
        return n;
    }

    private static void runGuarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("drain callback failed: {}", Failures.describe(e));
        }
    }
}
