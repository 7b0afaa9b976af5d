package dev.hardening.lifecycle;

import dev.hardening.lifecycle.internal.CloseableParticipant;
import dev.hardening.lifecycle.internal.ExecutorParticipant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/** Ready-made {@link DrainParticipant}s for JDK types. */
public final class DrainParticipants {

    private DrainParticipants() {
    }

    /**
     * Drains an executor: {@code shutdown()} when listeners close (a {@code ScheduledThreadPoolExecutor}
     * also drops delayed and periodic tasks that have not started), {@code awaitTermination} by the
     * deadline, {@code shutdownNow()} (interrupts) when forced. In flight = active plus queued tasks
     * for a {@code ThreadPoolExecutor}, else unknown. A task that ignores interrupts is reported as
     * cut and does not delay the exit: the JVM is halted at the end of the sequence.
     *
     * @param name     report name
     * @param executor the executor (also {@code ScheduledExecutorService})
     * @return the participant
     */
    public static DrainParticipant executor(String name, ExecutorService executor) {
        return new ExecutorParticipant(Objects.requireNonNull(name, "name"), Objects.requireNonNull(executor, "executor"));
    }

    /**
     * Drains anything closeable (a client, a pool, a server whose {@code close} is graceful):
     * {@code close()} runs on its own thread when draining starts; force stop interrupts it.
     *
     * @param name      report name
     * @param closeable what to close
     * @return the participant
     */
    public static DrainParticipant closeable(String name, AutoCloseable closeable) {
        return new CloseableParticipant(Objects.requireNonNull(name, "name"), Objects.requireNonNull(closeable, "closeable"));
    }
}
