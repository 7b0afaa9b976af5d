package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One unit of shutdown work running on its own daemon thread, awaited with a deadline and
 * abandoned (not waited for) when the deadline passes. Thread-safe.
 */
public final class Step {

    /** The body of a step. */
    @FunctionalInterface
    public interface Body {
        /**
         * @return whether the step achieved its goal
         * @throws Exception on failure
         */
        boolean run() throws Exception;
    }

    private final String name;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos;
    private volatile long endNanos;
    private volatile boolean result;
    private volatile Throwable failure;

    private Step(String name, Body body) {
        this.name = name;
        this.startNanos = System.nanoTime();
        this.thread = new Thread(() -> {
            try {
                result = body.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                endNanos = System.nanoTime();
                done.countDown();
            }
        }, "shutdown-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * @param name a name for logs and the thread
     * @param body what to run
     * @return the started step
     */
    public static Step start(String name, Body body) {
        Step s = new Step(name, body);
        s.thread.start();
        return s;
    }

    /**
     * @param deadline how long to wait
     * @return whether the step returned (successfully or not) by then
     */
    public boolean await(Deadline deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
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

    /** @return the step's name */
    public String name() {
        return name;
    }

    /** @return whether the body has returned */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** @return the body's result; meaningful only when done without failure */
    public boolean result() {
        return result;
    }

    /** @return what the body threw, or null */
    public Throwable failure() {
        return failure;
    }

    /** @return the thread running the body */
    public Thread thread() {
        return thread;
    }

    /** @return nanoseconds the body ran, or has been running so far */
    public long tookNanos() {
        return (isDone() ? endNanos : System.nanoTime()) - startNanos;
    }
}
