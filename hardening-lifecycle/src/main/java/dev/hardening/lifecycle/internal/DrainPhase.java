package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import java.util.List;

/**
 * {@link Phase#DRAIN}: every participant drains in parallel, each under its own sub-deadline
 * (capped by the phase's); the steps are left in the run for {@link ForceStopPhase} to judge.
 */
final class DrainPhase implements PhaseStep {

    @Override
    public Phase phase() {
        return Phase.DRAIN;
    }

    @Override
    public void run(ShutdownRun run) {
        Deadline deadline = run.deadline(Phase.DRAIN);
        List<ShutdownSequence.Participant> ps = run.participants;
        Deadline[] subs = new Deadline[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            subs[i] = deadline.atMost(ps.get(i).maxDrain());
        }
        for (int i = 0; i < ps.size(); i++) {
            ShutdownSequence.Participant r = ps.get(i);
            run.inFlightAtStart[i] = ShutdownRun.safeInFlight(r.participant());
            Deadline sub = subs[i];
            run.drains.add(run.start("drain-" + r.participant().name(), () -> r.participant().drain(sub)));
        }
        for (int i = 0; i < ps.size(); i++) {
            run.drains.get(i).await(subs[i]);
        }
    }
}
