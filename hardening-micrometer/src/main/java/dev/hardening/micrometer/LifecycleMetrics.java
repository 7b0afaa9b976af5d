package dev.hardening.micrometer;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.PeriodicJobs;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.lifecycle.Supervisor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters for hardening-lifecycle: supervised workers, periodic jobs and the shutdown report.
 *
 * <p>Meters (tags in braces; {@code worker}, {@code job} and {@code participant} are names the
 * application configured):
 * <ul>
 *   <li>{@value #RESTARTS} function counter {worker}; {@value #WORKER_STATE} gauge {worker, state}: 1
 *       for the current {@link Supervisor.State} ({@code escalated} is a worker that exceeded its
 *       restart intensity);</li>
 *   <li>{@value #JOB_RUNS}, {@value #JOB_SKIPPED}, {@value #JOB_MISFIRES} function counters {job};</li>
 *   <li>{@value #SHUTDOWN_PHASE} timer {phase}, {@value #SHUTDOWN_OUTCOMES} counter {participant,
 *       result}, {@value #SHUTDOWN_CUT} counter {participant}: work in flight when a participant was
 *       cut, recorded from a {@link ShutdownReport} by {@link #record}.</li>
 * </ul>
 * This class has only static methods and is thread-safe.
 */
public final class LifecycleMetrics {

    /** Function counter of worker restarts. */
    public static final String RESTARTS = "hardening.lifecycle.supervisor.restarts";
    /** Gauge, 1 for a worker's current state. */
    public static final String WORKER_STATE = "hardening.lifecycle.supervisor.state";
    /** Function counter of job runs on this replica. */
    public static final String JOB_RUNS = "hardening.lifecycle.job.runs";
    /** Function counter of job ticks skipped because the lease was held elsewhere. */
    public static final String JOB_SKIPPED = "hardening.lifecycle.job.skipped";
    /** Function counter of late job ticks handled by the misfire policy. */
    public static final String JOB_MISFIRES = "hardening.lifecycle.job.misfires";
    /** Timer of shutdown phases. */
    public static final String SHUTDOWN_PHASE = "hardening.lifecycle.shutdown.phase";
    /** Counter of shutdown outcomes per participant. */
    public static final String SHUTDOWN_OUTCOMES = "hardening.lifecycle.shutdown.outcomes";
    /** Counter of work in flight when a participant was cut. */
    public static final String SHUTDOWN_CUT = "hardening.lifecycle.shutdown.cut.work";

    private LifecycleMetrics() {
    }

    /**
     * Binds a supervised worker's restarts and state; the worker's name is the tag.
     *
     * @param child    the worker, from {@link Supervisor#supervise}
     * @param registry where the meters go
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the worker's name is not a valid tag value
     */
    public static void bind(Supervisor.Child child, MeterRegistry registry) {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(registry, "registry");
        String worker = Checks.name(child.name(), "worker");
        FunctionCounter.builder(RESTARTS, child, Supervisor.Child::restarts).description("worker restarts")
                .tag("worker", worker).register(registry);
        for (Supervisor.State state : Supervisor.State.values()) {
            Gauge.builder(WORKER_STATE, child, c -> c.state() == state ? 1.0 : 0.0)
                    .description("1 for the worker's current state")
                    .tag("worker", worker).tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    /**
     * Binds a periodic job's runs, skipped ticks and misfires.
     *
     * @param job      the job, from {@code PeriodicJobs}
     * @param name     the {@code job} tag (1 to 64 of letters, digits, {@code . _ - :}), usually the job's name
     * @param registry where the meters go
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static void bind(PeriodicJobs.Scheduled job, String name, MeterRegistry registry) {
        Objects.requireNonNull(job, "job");
        Checks.name(name, "name");
        Objects.requireNonNull(registry, "registry");
        FunctionCounter.builder(JOB_RUNS, job, PeriodicJobs.Scheduled::runs).description("job runs on this replica")
                .tag("job", name).register(registry);
        FunctionCounter.builder(JOB_SKIPPED, job, PeriodicJobs.Scheduled::skipped)
                .description("job ticks skipped: the lease was held elsewhere").tag("job", name).register(registry);
        FunctionCounter.builder(JOB_MISFIRES, job, PeriodicJobs.Scheduled::misfires)
                .description("late job ticks handled by the misfire policy").tag("job", name).register(registry);
    }

    /**
     * Records what a shutdown did: each phase's duration, each participant's and release step's
     * result, and the work cut. Call it with the report of {@code ShutdownCoordinator.shutdown()}
     * before the registry is closed (a push registry then publishes it). Names that are not valid
     * tag values are recorded as {@code other}.
     *
     * @param report   the report
     * @param registry where the meters go
     * @throws NullPointerException if an argument is null
     */
    public static void record(ShutdownReport report, MeterRegistry registry) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(registry, "registry");
        for (ShutdownReport.PhaseTiming timing : report.phases()) {
            Timer.builder(SHUTDOWN_PHASE).description("shutdown phase durations")
                    .tag("phase", phaseTag(timing.phase())).register(registry).record(timing.took());
        }
        for (ShutdownReport.Outcome outcome : report.outcomes()) {
            String participant = safeName(outcome.name());
            Counter.builder(SHUTDOWN_OUTCOMES).description("shutdown outcome per participant and release step")
                    .tag("participant", participant).tag("result", outcome.result().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
            if (outcome.inFlightAtForce() > 0) {
                Counter.builder(SHUTDOWN_CUT).description("work in flight when a participant was cut")
                        .tag("participant", participant).register(registry).increment(outcome.inFlightAtForce());
            }
        }
    }

    private static String phaseTag(Phase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }

    private static String safeName(String name) {
        try {
            return Checks.name(name, "participant");
        } catch (IllegalArgumentException e) {
            return "other";
        }
    }
}
