package dev.hardening.lifecycle.internal;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Deadline;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One unit of shutdown work running on its own daemon thread, awaited with a deadline and
 * abandoned (not waited for) when the deadline passes. Run time is measured on the injected
 * {@link TimeSource}; waits re-read the deadline every {@link #POLL_NANOS} so a deadline on a fake
 * time source is honoured as soon as the test moves it. Thread-safe.
 */
final class Step {

    /** The longest one wait lasts before the deadline is read again. */
    static final long POLL_NANOS = 5_000_000L;

    /** The body of a step. */
    @FunctionalInterface
    interface Body {
        /**
         * @return whether the step achieved its goal
         * @throws Exception on failure
         */
        boolean run() throws Exception;
    }

    private final String name;
    private final TimeSource time;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos;
    private volatile long endNanos;
    private volatile boolean result;
    private volatile Throwable failure;

    private Step(String name, TimeSource time, Body body) {
        this.name = name;
        this.time = time;
        this.startNanos = time.nanoTime();
        this.thread = new Thread(() -> {
            try {
                result = body.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                endNanos = time.nanoTime();
                done.countDown();
            }
        }, "shutdown-" + name);
        this.thread.setDaemon(true);
    }

    static Step start(String name, TimeSource time, Body body) {
        Step s = new Step(name, time, body);
        s.thread.start();
        return s;
    }

    /** @return whether the step returned (successfully or not) before {@code deadline} */
    boolean await(Deadline deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (done.await(Math.min(POLL_NANOS, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                    if (deadline.isExpired()) {
                        return false;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String name() {
        return name;
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    /** Meaningful only when done without failure. */
    boolean result() {
        return result;
    }

    /** @return what the body threw, or null */
    Throwable failure() {
        return failure;
    }

    Thread thread() {
        return thread;
    }

    /** @return nanoseconds the body ran, or has been running so far */
    long tookNanos() {
        return (isDone() ? endNanos : time.nanoTime()) - startNanos;
    }
}
