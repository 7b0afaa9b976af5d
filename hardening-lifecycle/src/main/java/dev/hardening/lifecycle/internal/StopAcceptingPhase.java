package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Phase#STOP_ACCEPTING}: every participant closes its listeners, in parallel, under the phase deadline. */
final class StopAcceptingPhase implements PhaseStep {

    private static final Logger LOG = LoggerFactory.getLogger(StopAcceptingPhase.class);

    @Override
    public Phase phase() {
        return Phase.STOP_ACCEPTING;
    }

    @Override
    public void run(ShutdownRun run) {
        Deadline deadline = run.deadline(Phase.STOP_ACCEPTING);
        List<Step> stops = new ArrayList<>();
        for (ShutdownSequence.Participant r : run.participants) {
            stops.add(run.start("stop-accepting-" + r.participant().name(), () -> {
                r.participant().stopAccepting();
                return true;
            }));
        }
        for (Step s : stops) {
            if (!s.await(deadline)) {
                LOG.warn("{} did not stop accepting within its budget", s.name());
            } else if (s.failure() != null) {
                LOG.warn("{} failed: {}", s.name(), ShutdownRun.describe(s.failure()));
            }
        }
    }
}
