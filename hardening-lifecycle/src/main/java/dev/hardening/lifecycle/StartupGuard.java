package dev.hardening.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Serialises a startup task (a schema migration, a seed) across replicas that boot together: each
 * replica waits for the task's lease, runs the task while holding it (renewing it every third of
 * the ttl), then releases it. The task must be idempotent — the next replica runs it too and
 * should find nothing to do (as migration tools do). Stateless and thread-safe.
 */
public final class StartupGuard {

    private static final long POLL_NANOS = 50_000_000L;

    private StartupGuard() {
    }

    /** Thrown when the lease could not be acquired within the wait. */
    public static final class LeaseUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseUnavailableException(String message) {
            super(message);
        }
    }

    /**
     * @param leases  the shared lease store
     * @param name    the task name; the lease is {@code startup:<name>}
     * @param ttl     lease time to live, renewed while the task runs
     * @param maxWait how long to wait for another replica to finish
     * @param task    the task
     * @param <T>     its result
     * @return the task's result
     * @throws LeaseUnavailableException if the lease was not acquired within {@code maxWait}
     * @throws Exception                 whatever the task throws
     */
    public static <T> T runExclusively(LeaseProvider leases, String name, Duration ttl, Duration maxWait, Callable<T> task)
            throws Exception {
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(task, "task");
        Deadline deadline = Deadline.after(Objects.requireNonNull(maxWait, "maxWait"));
        Optional<Lease> lease;
        while ((lease = leases.tryAcquire("startup:" + name, ttl)).isEmpty()) {
            if (deadline.isExpired()) {
                throw new LeaseUnavailableException("startup task " + name + ": lease still held by another replica after " + maxWait);
            }
            LockSupport.parkNanos(Math.min(POLL_NANOS, deadline.remainingNanos()));
        }
        Lease l = lease.get();
        Thread renewer = new Thread(() -> {
            long every = Math.max(1, ttl.toNanos() / 3);
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(every);
                try {
                    if (!Thread.currentThread().isInterrupted() && !l.renew(ttl)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // the store is unreachable for now: try again next period; the lease runs out on its own
                }
            }
        }, "startup-guard-renew-" + name);
        renewer.setDaemon(true);
        renewer.start();
        try {
            return task.call();
        } finally {
            renewer.interrupt();
            l.close();
        }
    }
}
