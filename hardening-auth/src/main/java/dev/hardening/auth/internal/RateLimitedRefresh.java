package dev.hardening.auth.internal;

import dev.hardening.auth.JwksEvent;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Lets at most {@code perWindow} refreshes start within any sliding {@code window}, whatever asks
 * for them (expiry, refresh-ahead, unknown kids, warm-up); joining a refresh that already runs is
 * free. A refused start costs the caller no wait and no thread hand-off. Thread-safe.
 *
 * <p>Why not Nimbus' {@code RateLimitedJWKSetSource}: it allows exactly two calls per fixed
 * interval, so {@link dev.hardening.auth.JwksSettings#refreshesPerWindow()} (1 to 10) cannot be
 * honoured ({@code NimbusWrappersTest.rateLimitedSourceAllowsExactlyTwoPerInterval}; ours:
 * {@code JwksStackTest.rateLimitHonoursAConfiguredBudgetOfOne}), and it sits below the cache on
 * the caller's thread, so each refused call would first have to reach the refresh thread.
 */
final class RateLimitedRefresh implements JwksLayer {

    private final SingleFlightRefresh below;
    private final TimeSource time;
    private final long windowNanos;
    private final Duration window;
    private final int perWindow;
    private final JwksState state;
    private final Events events;
    /** Guarded by itself: monotonic start times of recent refreshes, oldest first, at most perWindow. */
    private final ArrayDeque<Long> starts = new ArrayDeque<>();

    RateLimitedRefresh(SingleFlightRefresh below, TimeSource time, Duration window, int perWindow, JwksState state,
                       Events events) {
        this.below = below;
        this.time = time;
        this.window = window;
        this.windowNanos = window.toNanos();
        this.perWindow = perWindow;
        this.state = state;
        this.events = events;
    }

    @Override
    public JwksLayer below() {
        return below;
    }

    /**
     * @param why what asked for the refresh, for the event
     * @return the running or newly started refresh; null when the window's budget is spent
     */
    CompletableFuture<KeySet> start(String why) {
        synchronized (starts) {
            CompletableFuture<KeySet> running = below.running();
            if (running != null) {
                return running;
            }
            long now = time.nanoTime();
            while (!starts.isEmpty() && now - starts.peekFirst() >= windowNanos) {
                starts.pollFirst();
            }
            if (starts.size() >= perWindow) {
                state.rateLimited.increment();
                events.emit(JwksEvent.Type.REFRESH_RATE_LIMITED, why + ": " + starts.size()
                        + " refreshes already started within " + window);
                return null;
            }
            CompletableFuture<KeySet> f = below.start();
            if (f != null) {
                starts.addLast(now);
            }
            return f;
        }
    }
}
