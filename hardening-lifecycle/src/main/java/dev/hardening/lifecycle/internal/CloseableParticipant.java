package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains any {@link AutoCloseable} by closing it on its own thread and waiting for {@code close}
 * to return by the deadline; force stop interrupts that thread. Thread-safe.
 */
public final class CloseableParticipant implements DrainParticipant {

    private final String name;
    private final AutoCloseable closeable;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Thread closer;
    private volatile Exception failure;

    /**
     * @param name      report name
     * @param closeable what to close
     */
    public CloseableParticipant(String name, AutoCloseable closeable) {
        this.name = name;
        this.closeable = closeable;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized boolean drain(Deadline deadline) throws InterruptedException {
        if (closer == null) {
            Thread t = new Thread(() -> {
                try {
                    closeable.close();
                } catch (Exception e) {
                    failure = e;
                } finally {
                    closed.countDown();
                }
            }, "shutdown-close-" + name);
            t.setDaemon(true);
            closer = t;
            t.start();
        }
        boolean done = closed.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        if (done && failure != null) {
            throw new IllegalStateException(name + ": close failed: " + failure, failure);
        }
        return done;
    }

    @Override
    public long inFlight() {
        return closed.getCount();
    }

    @Override
    public void forceStop() {
        Thread t = closer;
        if (t != null) {
            t.interrupt();
        }
    }
}
