package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Phase#FORCE_STOP}: participants that did not drain are cut in parallel; each
 * participant's outcome (finished, cut, failed, hung) is recorded.
 */
final class ForceStopPhase implements PhaseStep {

    private static final Logger LOG = LoggerFactory.getLogger(ForceStopPhase.class);

    @Override
    public Phase phase() {
        return Phase.FORCE_STOP;
    }

    @Override
    public void run(ShutdownRun run) {
        Deadline deadline = run.deadline(Phase.FORCE_STOP);
        List<ShutdownSequence.Participant> ps = run.participants;
        Step[] forces = new Step[ps.size()];
        long[] atForce = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            Step d = run.drains.get(i);
            if (d.isDone() && d.failure() == null && d.result()) {
                continue;
            }
            DrainParticipant p = ps.get(i).participant();
            atForce[i] = Math.max(1, ShutdownRun.safeInFlight(p));
            forces[i] = run.start("force-stop-" + p.name(), () -> {
                p.forceStop();
                return true;
            });
        }
        for (int i = 0; i < ps.size(); i++) {
            DrainParticipant p = ps.get(i).participant();
            Step d = run.drains.get(i);
            Duration took = Duration.ofNanos(d.tookNanos());
            if (forces[i] == null) {
                run.outcomes.add(new ShutdownReport.Outcome(p.name(), ShutdownReport.Result.FINISHED,
                        run.inFlightAtStart[i], 0, took, Optional.empty()));
                continue;
            }
            boolean forced = forces[i].await(deadline);
            ShutdownReport.Result res;
            Optional<String> failure = Optional.empty();
            if (d.isDone() && d.failure() != null) {
                res = ShutdownReport.Result.FAILED;
                failure = Optional.of(ShutdownRun.describe(d.failure()));
            } else if (!forced) {
                res = ShutdownReport.Result.HUNG;
            } else {
                res = ShutdownReport.Result.CUT;
            }
            LOG.warn("{} did not drain in time: {} with {} unit(s) in flight", p.name(), res, atForce[i]);
            run.outcomes.add(new ShutdownReport.Outcome(p.name(), res, run.inFlightAtStart[i], atForce[i], took, failure));
        }
    }
}
