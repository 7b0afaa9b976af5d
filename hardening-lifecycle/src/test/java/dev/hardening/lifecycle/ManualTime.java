package dev.hardening.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A fake monotonic clock and delay scheduler: tasks run only when the test advances time. */
final class ManualTime implements NanoClock, DelayScheduler {

    private long now = 1_000_000_000L;
    private final List<Scheduled> tasks = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();

    private static final class Scheduled {
        final long at;
        final Runnable task;
        boolean cancelled;

        Scheduled(long at, Runnable task) {
            this.at = at;
            this.task = task;
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        delays.add(delay);
        Scheduled s = new Scheduled(now + Math.max(0, delay.toNanos()), task);
        tasks.add(s);
        return () -> {
            synchronized (this) {
                s.cancelled = true;
            }
        };
    }

    /** Moves time forward, running every task that falls due, in order. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Scheduled next;
            synchronized (this) {
                next = tasks.stream().filter(s -> !s.cancelled && s.at <= target)
                        .min(Comparator.comparingLong(s -> s.at)).orElse(null);
                if (next == null) {
                    now = Math.max(now, target);
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.at);
            }
            next.task.run();
        }
    }

    synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    synchronized long pending() {
        return tasks.stream().filter(s -> !s.cancelled).count();
    }
}
