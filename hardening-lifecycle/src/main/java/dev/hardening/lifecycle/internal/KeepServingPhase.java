package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Phase#KEEP_SERVING}: requests are still served for the shutdown delay, or, with a quiet
 * period, until nothing was in flight and nothing started or ended for that long.
 */
final class KeepServingPhase implements PhaseStep {

    private final Optional<Duration> quietPeriod;

    KeepServingPhase(Optional<Duration> quietPeriod) {
        this.quietPeriod = quietPeriod;
    }

    @Override
    public Phase phase() {
        return Phase.KEEP_SERVING;
    }

    @Override
    public void run(ShutdownRun run) {
        Deadline until = run.deadline(Phase.KEEP_SERVING);
        if (quietPeriod.isEmpty()) {
            while (!until.isExpired()) {
                park(until);
            }
            return;
        }
        long quiet = quietPeriod.get().toNanos();
        long lastActivity = activity(run.participants);
        long quietSince = run.time.nanoTime();
        while (!until.isExpired()) {
            long act = activity(run.participants);
            boolean busy = act != lastActivity || inFlight(run.participants) > 0;
            long now = run.time.nanoTime();
            if (busy) {
                lastActivity = act;
                quietSince = now;
            } else if (now - quietSince >= quiet) {
                return;
            }
            park(until);
        }
    }

    private void park(Deadline until) {
        LockSupport.parkNanos(this, Math.min(Step.POLL_NANOS, until.remainingNanos()));
    }

    private static long activity(List<ShutdownSequence.Participant> ps) {
        long sum = 0;
        for (ShutdownSequence.Participant r : ps) {
            try {
                sum += r.participant().activityCount();
            } catch (RuntimeException e) {
                // a participant that cannot count activity counts as idle
            }
        }
        return sum;
    }

    private static long inFlight(List<ShutdownSequence.Participant> ps) {
        long sum = 0;
        for (ShutdownSequence.Participant r : ps) {
            sum += Math.max(0, ShutdownRun.safeInFlight(r.participant()));
        }
        return sum;
    }
}
