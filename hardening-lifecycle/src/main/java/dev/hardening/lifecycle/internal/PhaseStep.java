package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Phase;

/** One phase of the shutdown sequence; {@link ShutdownSequence} runs them in {@link Phase} order. */
interface PhaseStep {

    /** @return the phase this step implements */
    Phase phase();

    /**
     * Runs the phase on the coordinating thread, within {@code run.deadline(phase())}.
     *
     * @param run the shutdown's state
     */
    void run(ShutdownRun run);
}
