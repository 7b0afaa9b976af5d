package dev.hardening.testkit;

import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one fake of {@link TimeSource} for every module's tests: time moves only when the test calls
 * {@link #advance(Duration)}, and both readings (monotonic and wall clock) move together. It can
 * also stand in for a scheduler: tasks given to {@link #schedule(Duration, Runnable)} run, in due
 * order and on the advancing thread, when time passes their due point.
 *
 * <p>Thread-safe.
 */
public final class FakeTime implements TimeSource {

    /** The wall-clock start of {@link #create()}: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Instant wallOrigin;
    private long nanos = 1_000_000_000L;
    private final long nanoOrigin = nanos;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private long sequence;

    private FakeTime(Instant start) {
        this.wallOrigin = start;
    }

    /** @return a fake starting at {@link #DEFAULT_START} */
    public static FakeTime create() {
        return new FakeTime(DEFAULT_START);
    }

    /**
     * @param start the wall-clock start
     * @return a fake starting at {@code start}
     */
    public static FakeTime startingAt(Instant start) {
        return new FakeTime(start);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant now() {
        return wallOrigin.plusNanos(nanos - nanoOrigin);
    }

    /** A scheduled task's handle. */
    public interface Handle {
        /** Cancels the task if it has not run yet. */
        void cancel();
    }

    /**
     * Schedules {@code task} to run when time has advanced by {@code delay}.
     *
     * @param delay how long from now; negative counts as zero
     * @param task  the task, run on the thread that calls {@link #advance(Duration)}
     * @return a handle that cancels the task
     */
    public synchronized Handle schedule(Duration delay, Runnable task) {
        delays.add(delay);
        Task t = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (FakeTime.this) {
                t.cancelled = true;
            }
        };
    }

    /**
     * Moves time forward by {@code step}, running every task that falls due, in order of due time.
     *
     * @param step how far; must not be negative
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("step: " + step + " (expected: >= PT0S)");
        }
        long target;
        synchronized (this) {
            target = nanos + step.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.cancelled && t.at <= target)
                        .min(Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.seq)).orElse(null);
                if (next == null) {
                    nanos = Math.max(nanos, target);
                    return;
                }
                tasks.remove(next);
                nanos = Math.max(nanos, next.at);
            }
            next.task.run();
        }
    }

    /** @return every delay ever passed to {@link #schedule(Duration, Runnable)}, in order */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** @return the number of scheduled tasks not yet run or cancelled */
    public synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }

    private static final class Task {
        final long at;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Task(long at, long seq, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.task = task;
        }
    }
}
