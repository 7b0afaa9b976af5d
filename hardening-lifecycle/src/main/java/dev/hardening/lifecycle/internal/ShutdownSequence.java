package dev.hardening.lifecycle.internal;

import dev.hardening.config.Failures;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.Halter;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.lifecycle.ShutdownReport;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one shutdown: a watchdog armed on the total budget, then one {@link PhaseStep} per phase
 * in order, each timed; the budget arithmetic lives in {@link ShutdownPlan}, the startup findings
 * in {@link ShutdownFindings}, the watchdog's hang description in {@link HangDiagnostics}.
 * Immutable; {@link #run} may be called from any thread, once per shutdown. Internal: reached
 * through {@code ShutdownCoordinator}.
 */
public final class ShutdownSequence {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    /**
     * A registered participant.
     *
     * @param participant what to drain
     * @param maxDrain    its own drain sub-deadline
     */
    public record Participant(DrainParticipant participant, Duration maxDrain) {
    }

    /**
     * A step of the release phase.
     *
     * @param name a short name for the report
     * @param step what to run
     */
    public record ReleaseStep(String name, Runnable step) {
    }

    private final ShutdownPlan plan;
    private final TimeSource time;
    private final Halter halter;
    private final int watchdogStatus;
    private final Optional<ShutdownListener> listener;
    private final List<PhaseStep> phases;
    private final Runnable onWatchdogFire;

    /**
     * @param plan           the budgets
     * @param time           the time source every wait and measurement uses
     * @param health         flipped not-ready first, if present
     * @param signal         fired in the drain-signal phase
     * @param logFlush       run last, if present
     * @param halter         how the watchdog ends the JVM
     * @param watchdogStatus the status the watchdog halts with
     * @param listener       told the report, or the watchdog firing, if present
     */
    public ShutdownSequence(ShutdownPlan plan, TimeSource time, Optional<Health> health, DefaultDrainSignal signal,
                            Optional<Runnable> logFlush, Halter halter, int watchdogStatus,
                            Optional<ShutdownListener> listener) {
        this.plan = plan;
        this.time = time;
        this.halter = halter;
        this.watchdogStatus = watchdogStatus;
        this.listener = listener;
        this.phases = List.of(new DrainSignalPhase(health, signal), new KeepServingPhase(plan.quietPeriod()),
                new StopAcceptingPhase(), new DrainPhase(), new ForceStopPhase(), new ReleasePhase(),
                new FlushLogsPhase(logFlush));
        this.onWatchdogFire = () -> listener.ifPresent(l -> l.watchdogFired(plan.totalBudget(), watchdogStatus));
        preloadSignalPath();
    }

    /**
     * Loads and initialises now, at build time, every class the sequence needs between the signal
     * and the drain signal, so that a signal arriving on a starved machine does not wait for class
     * loading before readiness turns and long-lived streams are told.
     */
    private static void preloadSignalPath() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> c : List.of(ShutdownRun.class, HangDiagnostics.class, Watchdog.class, Step.class, Deadline.class,
                ShutdownReport.PhaseTiming.class)) {
            try {
                lookup.ensureInitialized(c);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("preload " + c.getName() + ": not accessible", e);
            }
        }
    }

    /**
     * Runs every phase on the calling thread.
     *
     * @param participants what to drain, in registration order
     * @param releaseSteps what to run in the release phase
     * @return the report
     */
    public ShutdownReport run(List<Participant> participants, List<ReleaseStep> releaseSteps) {
        HangDiagnostics diagnostics = new HangDiagnostics();
        ShutdownRun run = new ShutdownRun(plan, time, List.copyOf(participants), List.copyOf(releaseSteps), diagnostics);
        Watchdog watchdog = Watchdog.arm(run.total, diagnostics, halter, watchdogStatus, onWatchdogFire);
        try {
            for (PhaseStep step : phases) {
                diagnostics.enter(step.phase());
                long p0 = time.nanoTime();
                step.run(run);
                run.timings.add(new ShutdownReport.PhaseTiming(step.phase(), Duration.ofNanos(time.nanoTime() - p0)));
                if (step.phase() == Phase.DRAIN_SIGNAL) {
                    // logged once the drain signal is out: readiness and streams do not wait for the log
                    LOG.info("shutdown started: {} participant(s), total budget {} ms", participants.size(),
                            plan.totalBudget().toMillis());
                }
            }
        } finally {
            watchdog.disarm();
            diagnostics.finished();
        }
        ShutdownReport report = new ShutdownReport(run.timings, run.outcomes, run.elapsed());
        listener.ifPresent(l -> {
            try {
                l.finished(report);
            } catch (RuntimeException e) {
                LOG.warn("a shutdown listener failed; the report is unaffected: {}", Failures.describe(e));
            }
        });
        return report;
    }
}
