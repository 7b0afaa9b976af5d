package dev.hardening.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a shutdown did: how long each phase took, and for each participant and release step
 * whether it finished or was cut. Immutable and thread-safe.
 *
 * @param phases   one entry per phase that ran, in order
 * @param outcomes one entry per participant, then one per release step
 * @param total    from the start of shutdown to the end of the last phase
 */
public record ShutdownReport(List<PhaseTiming> phases, List<Outcome> outcomes, Duration total) {

    /** Exit status when everything drained. */
    public static final int EXIT_DRAINED = 0;
    /** Exit status when some work was cut or a step failed. */
    public static final int EXIT_CUT = 1;
    /** Exit status when the watchdog ended the JVM because the total budget was exceeded. */
    public static final int EXIT_WATCHDOG = 2;

    /**
     * @throws NullPointerException if a field is null
     */
    public ShutdownReport {
        phases = List.copyOf(phases);
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(total, "total");
    }

    /** @return whether every participant drained and every release step finished */
    public boolean fullyDrained() {
        for (Outcome o : outcomes) {
            if (o.result() != Result.FINISHED) {
                return false;
            }
        }
        return true;
    }

    /** @return {@link #EXIT_DRAINED} if {@link #fullyDrained()}, else {@link #EXIT_CUT} */
    public int exitCode() {
        return fullyDrained() ? EXIT_DRAINED : EXIT_CUT;
    }

    /** @return the names of what did not finish */
    public List<String> cut() {
        return outcomes.stream().filter(o -> o.result() != Result.FINISHED).map(Outcome::name).toList();
    }

    /** @return one line: the verdict, the phase durations, every outcome */
    public String render() {
        StringBuilder sb = new StringBuilder("shutdown ").append(fullyDrained() ? "drained" : "cut work")
                .append(" in ").append(total.toMillis()).append(" ms; phases:");
        for (PhaseTiming p : phases) {
            sb.append(' ').append(p.phase()).append('=').append(p.took().toMillis()).append("ms");
        }
        sb.append("; outcomes:");
        for (Outcome o : outcomes) {
            sb.append(' ').append(o.name()).append('=').append(o.result());
            if (o.inFlightAtForce() > 0) {
                sb.append("(cut ").append(o.inFlightAtForce()).append(')');
            }
            o.failure().ifPresent(f -> sb.append("(").append(f).append(')'));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * @param phase the phase
     * @param took  how long it ran
     */
    public record PhaseTiming(Phase phase, Duration took) {
        /** @throws NullPointerException if a field is null */
        public PhaseTiming {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(took, "took");
        }
    }

    /** How a participant or release step ended. */
    public enum Result {
        /** Drained (or the step completed) in time. */
        FINISHED,
        /** Did not drain in time and was force-stopped: its remaining work was cut. */
        CUT,
        /** Threw an exception. */
        FAILED,
        /** Did not return, even from the force stop, by its deadline. */
        HUNG
    }

    /**
     * @param name            the participant or step name ({@code release:} prefix for release steps)
     * @param result          how it ended
     * @param inFlightAtStart work in flight when draining began, {@code -1} if unknown
     * @param inFlightAtForce work in flight when it was force-stopped, {@code 0} if it was not
     * @param took            how long its drain (or step) ran
     * @param failure         the exception class and message, if it threw
     */
    public record Outcome(String name, Result result, long inFlightAtStart, long inFlightAtForce, Duration took,
                          Optional<String> failure) {
        /** @throws NullPointerException if a field is null */
        public Outcome {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
