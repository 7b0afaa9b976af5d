package dev.hardening.lifecycle.internal;

import dev.hardening.config.Failures;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Halter;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Halts the JVM when a shutdown exceeds its total budget, after logging what hung. The log line is
 * written on a helper thread given at most {@link #LOG_GRACE_MILLIS}, so a wedged logging backend
 * cannot delay the halt. The deadline is re-read every {@link Step#POLL_NANOS}, so it follows a
 * fake time source too. Thread-safe.
 */
final class Watchdog implements Runnable {

    /** How long the watchdog waits for its own log line before halting anyway, in real milliseconds. */
    static final long LOG_GRACE_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final Thread thread;
    private final Deadline deadline;
    private final Supplier<String> whatIsRunning;
    private final Halter halter;
    private final int status;
    private final Runnable onFire;
    private volatile boolean disarmed;

    private Watchdog(Deadline deadline, Supplier<String> whatIsRunning, Halter halter, int status, Runnable onFire) {
        this.deadline = deadline;
        this.whatIsRunning = whatIsRunning;
        this.halter = halter;
        this.status = status;
        this.onFire = onFire;
        // the watchdog is its own Runnable: no lambda to link when a shutdown starts
        this.thread = new Thread(this, "shutdown-watchdog");
        this.thread.setDaemon(true);
        this.thread.setPriority(Thread.MAX_PRIORITY);
    }

    /**
     * @param onFire run on the helper thread, before the log line, when the budget is exceeded; it
     *               shares the log grace period, so it cannot delay the halt; a failure is ignored
     */
    static Watchdog arm(Deadline deadline, Supplier<String> whatIsRunning, Halter halter, int status, Runnable onFire) {
        Watchdog w = new Watchdog(deadline, whatIsRunning, halter, status, onFire);
        w.thread.start();
        return w;
    }

    /** Stops the watchdog: the shutdown finished in time. */
    void disarm() {
        disarmed = true;
        LockSupport.unpark(thread);
    }

    /** The watchdog thread's body: waits for the deadline or the disarm, halts on the deadline. */
    @Override
    public void run() {
        while (!disarmed && !deadline.isExpired()) {
            LockSupport.parkNanos(this, Math.min(Step.POLL_NANOS, deadline.remainingNanos()));
        }
        if (disarmed) {
            return;
        }
        Thread logger = new Thread(() -> {
            try {
                onFire.run();
            } catch (RuntimeException e) {
                LOG.warn("a shutdown listener failed at the watchdog; halting anyway: {}", Failures.describe(e));
            }
            String what;
            try {
                what = whatIsRunning.get();
            } catch (RuntimeException e) {
                what = "(could not describe the running steps)";
            }
            LOG.error("shutdown exceeded its total budget; halting with status {}. Hung: {}", status, what);
        }, "shutdown-watchdog-log");
        logger.setDaemon(true);
        logger.start();
        try {
            logger.join(LOG_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!disarmed) {
            halter.halt(status);
        }
    }
}
