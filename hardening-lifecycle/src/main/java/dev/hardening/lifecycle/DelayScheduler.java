package dev.hardening.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay. The supervisor and the job scheduler use it for every wait, so
 * tests inject a manual one and advance time instead of sleeping. Must be thread-safe.
 */
@FunctionalInterface
public interface DelayScheduler {

    /**
     * @param delay how long to wait; zero or negative runs as soon as possible
     * @param task  what to run
     * @return a handle that cancels the task if it has not started
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** Cancels a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not started; idempotent. */
        void cancel();
    }

    /**
     * @param executor the executor that waits and runs tasks (owned by the caller)
     * @return a scheduler backed by it
     */
    static DelayScheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
