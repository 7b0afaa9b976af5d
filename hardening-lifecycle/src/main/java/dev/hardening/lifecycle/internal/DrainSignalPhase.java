package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.Phase;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Phase#DRAIN_SIGNAL}: readiness turns not-ready, the drain signal fires, participants are told. */
final class DrainSignalPhase implements PhaseStep {

    private static final Logger LOG = LoggerFactory.getLogger(DrainSignalPhase.class);

    private final Optional<Health> health;
    private final DefaultDrainSignal signal;

    DrainSignalPhase(Optional<Health> health, DefaultDrainSignal signal) {
        this.health = health;
        this.signal = signal;
    }

    @Override
    public Phase phase() {
        return Phase.DRAIN_SIGNAL;
    }

    @Override
    public void run(ShutdownRun run) {
        if (health.isPresent()) { // no lambda to link when a shutdown starts
            health.get().markShuttingDown();
        }
        signal.fire();
        for (ShutdownSequence.Participant r : run.participants) {
            try {
                r.participant().drainSignal();
            } catch (RuntimeException e) {
                LOG.warn("drain signal to {} failed", r.participant().name());
            }
        }
    }
}
