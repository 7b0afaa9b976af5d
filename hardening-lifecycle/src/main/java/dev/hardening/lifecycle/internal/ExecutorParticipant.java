package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Drains an {@link ExecutorService}: shutdown, await termination, shutdownNow. Thread-safe. */
public final class ExecutorParticipant implements DrainParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorParticipant.class);

    private final String name;
    private final ExecutorService executor;

    /**
     * @param name     report name
     * @param executor the executor
     */
    public ExecutorParticipant(String name, ExecutorService executor) {
        this.name = name;
        this.executor = executor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void stopAccepting() {
        if (executor instanceof ScheduledThreadPoolExecutor) {
            ScheduledThreadPoolExecutor s = (ScheduledThreadPoolExecutor) executor;
            // Delayed and periodic tasks that have not started are not in flight: drop them
            // instead of waiting for their trigger time.
            s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        }
        executor.shutdown();
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long inFlight() {
        if (executor.isTerminated()) {
            return 0;
        }
        if (executor instanceof ThreadPoolExecutor) {
            ThreadPoolExecutor t = (ThreadPoolExecutor) executor;
            return (long) t.getActiveCount() + t.getQueue().size();
        }
        return -1;
    }

    @Override
    public void forceStop() {
        List<Runnable> dropped = executor.shutdownNow();
        if (!dropped.isEmpty()) {
            LOG.warn("{}: {} queued task(s) dropped at force stop", name, dropped.size());
        }
    }
}
