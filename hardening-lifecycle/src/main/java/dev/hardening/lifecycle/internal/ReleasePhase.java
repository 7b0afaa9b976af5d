package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Phase#RELEASE}: release steps (leases, deregistration) run in parallel under the phase deadline. */
final class ReleasePhase implements PhaseStep {

    private static final Logger LOG = LoggerFactory.getLogger(ReleasePhase.class);

    @Override
    public Phase phase() {
        return Phase.RELEASE;
    }

    @Override
    public void run(ShutdownRun run) {
        Deadline deadline = run.deadline(Phase.RELEASE);
        List<ShutdownSequence.ReleaseStep> rs = run.releaseSteps;
        List<Step> releases = new ArrayList<>();
        for (ShutdownSequence.ReleaseStep r : rs) {
            releases.add(run.start("release-" + r.name(), () -> {
                r.step().run();
                return true;
            }));
        }
        for (int i = 0; i < rs.size(); i++) {
            Step s = releases.get(i);
            boolean done = s.await(deadline);
            ShutdownReport.Result res = !done ? ShutdownReport.Result.HUNG
                    : s.failure() != null ? ShutdownReport.Result.FAILED : ShutdownReport.Result.FINISHED;
            Optional<String> failure = done && s.failure() != null ? Optional.of(ShutdownRun.describe(s.failure()))
                    : Optional.empty();
            if (res != ShutdownReport.Result.FINISHED) {
                LOG.warn("release step {} {}", rs.get(i).name(), res);
            }
            run.outcomes.add(new ShutdownReport.Outcome("release:" + rs.get(i).name(), res, -1, 0,
                    Duration.ofNanos(s.tookNanos()), failure));
        }
    }
}
