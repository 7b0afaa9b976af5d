package dev.hardening.lifecycle.internal;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one shutdown as it moves through its phases: the plan and the total deadline, the
 * participants, what the drain phase left for the force-stop phase, and the outcomes and timings
 * that become the report. Used by the coordinating thread only, except {@link #diagnostics}.
 */
final class ShutdownRun {

    final ShutdownPlan plan;
    final TimeSource time;
    final Deadline total;
    final long startNanos;
    final List<ShutdownSequence.Participant> participants;
    final List<ShutdownSequence.ReleaseStep> releaseSteps;
    final HangDiagnostics diagnostics;
    final List<ShutdownReport.PhaseTiming> timings = new ArrayList<>();
    final List<ShutdownReport.Outcome> outcomes = new ArrayList<>();

    /** Set by the drain phase: each participant's drain step and in-flight count at its start. */
    final List<Step> drains = new ArrayList<>();
    final long[] inFlightAtStart;

    ShutdownRun(ShutdownPlan plan, TimeSource time, List<ShutdownSequence.Participant> participants,
                List<ShutdownSequence.ReleaseStep> releaseSteps, HangDiagnostics diagnostics) {
        this.plan = plan;
        this.time = time;
        this.startNanos = time.nanoTime();
        this.total = Deadline.after(plan.totalBudget(), time);
        this.participants = participants;
        this.releaseSteps = releaseSteps;
        this.diagnostics = diagnostics;
        this.inFlightAtStart = new long[participants.size()];
    }

    /** @return this phase's deadline: its own budget from now, capped to keep the later phases' reserve */
    Deadline deadline(Phase phase) {
        return plan.phaseDeadline(total, phase);
    }

    /** Starts a step on its own thread and lists it for the hang diagnostics until it is done. */
    Step start(String name, Step.Body body) {
        return diagnostics.track(Step.start(name, time, body));
    }

    Duration elapsed() {
        return Duration.ofNanos(time.nanoTime() - startNanos);
    }

    static long safeInFlight(DrainParticipant p) {
        try {
            return p.inFlight();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** A failure as the report shows it: the message only, never the exception's class. */
    static String describe(Throwable t) {
        return t.getMessage() == null ? "failed without a message" : t.getMessage();
    }
}
