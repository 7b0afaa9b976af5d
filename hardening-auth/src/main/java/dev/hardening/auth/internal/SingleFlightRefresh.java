package dev.hardening.auth.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moves refreshes off request threads and runs at most one at a time: {@link #start()} hands the
 * blocking layers below to the background executor, or returns the refresh already running. The
 * outcome is recorded in {@link JwksState} before the future completes, so a waiter that wakes
 * sees the new keys. Thread-safe.
 */
final class SingleFlightRefresh implements JwksLayer {

    private final JwksSource below;
    private final Executor executor;
    private final JwksState state;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private CompletableFuture<KeySet> inFlight;

    SingleFlightRefresh(JwksSource below, Executor executor, JwksState state) {
        this.below = below;
        this.executor = executor;
        this.state = state;
    }

    @Override
    public JwksLayer below() {
        return below;
    }

    /** @return the refresh now running, or null */
    CompletableFuture<KeySet> running() {
        synchronized (lock) {
            return inFlight != null && !inFlight.isDone() ? inFlight : null;
        }
    }

    /**
     * @return the running refresh, or a new one; null if the executor refused the task. The future
     *         completes with the new key set, or with null when the refresh failed (never exceptionally)
     */
    CompletableFuture<KeySet> start() {
        synchronized (lock) {
            if (inFlight != null && !inFlight.isDone()) {
                return inFlight;
            }
            CompletableFuture<KeySet> f = new CompletableFuture<>();
            try {
                executor.execute(() -> f.complete(refresh()));
            } catch (RejectedExecutionException e) {
                return null;
            }
            inFlight = f;
            return f;
        }
    }

    private KeySet refresh() {
        try {
            KeySet fresh = below.load();
            state.succeeded(fresh);
            return fresh;
        } catch (FetchException e) {
            state.failed(e);
            return null;
        } catch (RuntimeException e) {
            state.failed(new FetchException("error", false, "refreshing keys failed unexpectedly", e));
            return null;
        }
    }
}
