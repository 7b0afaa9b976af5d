package dev.hardening.lifecycle;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.internal.SignalHandlers;
import java.util.List;

/**
 * Takes over {@code SIGTERM} and {@code SIGINT} for a service whose framework runs the shutdown
 * itself (Spring Boot closes its context): the framework's shutdown then runs on the service's own
 * thread, which ends the process with {@code System.exit(status)} — the status telling a clean
 * drain from cut work — and every shutdown hook still runs normally. No shutdown hook is added and
 * none is raced. {@link ShutdownCoordinator#install()} does the same for the coordinator's own
 * sequence. Thread-safe.
 */
public final class TerminationSignals {

    private TerminationSignals() {
    }

    /**
     * Replaces the JVM's handling of {@code SIGTERM} and {@code SIGINT} with {@code onSignal}, run on
     * the JVM's signal-dispatch thread for every delivery (it must return quickly: start a thread).
     * Where the JVM cannot hand signals over ({@code -Xrs}, a platform without them), nothing changes
     * and the JVM's own handling (its shutdown hooks) stays.
     *
     * @param onSignal what to run on each delivery
     * @return the signal names now handled ({@code TERM}, {@code INT}); empty when none could be
     * @throws NullPointerException if {@code onSignal} is null
     */
    public static List<String> handle(Runnable onSignal) {
        Checks.notNull(onSignal, "onSignal");
        return List.copyOf(SignalHandlers.handle(onSignal, "TERM", "INT"));
    }
}
