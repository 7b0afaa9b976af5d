package dev.hardening.lifecycle;

import java.time.Duration;

/**
 * Told how a shutdown ended, for metrics and alerts: given to
 * {@link ShutdownCoordinator.Builder#listener(ShutdownListener)}. Both methods have empty
 * defaults.
 *
 * <p>A listener that throws is logged and ignored: it never changes the sequence, the report or
 * the exit status. {@link #watchdogFired} runs on the watchdog's helper thread, which the watchdog
 * waits for at most its log grace period (100 ms) before halting anyway, so a listener that blocks
 * cannot delay the halt; it should only record (a counter, a push to a collector that answers at
 * once). Implementations must be thread-safe.
 */
public interface ShutdownListener {

    /**
     * The shutdown sequence finished (the report was logged and logs flushed); called once, on the
     * thread that ran the sequence, before {@link ShutdownCoordinator#shutdown()} returns.
     *
     * @param report what the shutdown did
     */
    default void finished(ShutdownReport report) {
    }

    /**
     * The shutdown exceeded its total budget: the watchdog is about to halt the JVM with
     * {@code status}. Called at most once per shutdown, before the halt.
     *
     * @param totalBudget the budget that was exceeded
     * @param status      the exit status the JVM is halted with ({@link ShutdownReport#EXIT_WATCHDOG})
     */
    default void watchdogFired(Duration totalBudget, int status) {
    }
}
