package dev.hardening.micrometer;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.LeaseListener;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.PeriodicJobs;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.lifecycle.Supervisor;
import dev.hardening.micrometer.internal.LeaseMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters for hardening-lifecycle: supervised workers, periodic jobs and the shutdown report.
 *
 * <p>Meters (tags in braces; {@code worker}, {@code periodic.job} and {@code participant} are names the
 * application configured):
 * <ul>
 *   <li>{@value #RESTARTS} function counter {worker}; {@value #WORKER_STATE} gauge {worker, state}: 1
 *       for the current {@link Supervisor.State} ({@code escalated} is a worker that exceeded its
 *       restart intensity);</li>
 *   <li>{@value #JOB_RUNS}, {@value #JOB_SKIPPED}, {@value #JOB_MISFIRES} function counters {periodic.job} (not {@code job}, which Prometheus
 *       reserves for the scrape target: it would be renamed {@code exported_job});</li>
 *   <li>{@value #SHUTDOWN_PHASE} timer {phase}, {@value #SHUTDOWN_OUTCOMES} counter {participant,
 *       result}, {@value #SHUTDOWN_CUT} counter {participant}: work in flight when a participant was
 *       cut, recorded from a {@link ShutdownReport} by {@link #record} or by the
 *       {@link #shutdownListener} when the shutdown finishes;</li>
 *   <li>{@value #SHUTDOWN_WATCHDOG} counter: the watchdog fired (the JVM is halted right after, so
 *       only a registry that publishes from the listener's thread at once exports it);</li>
 *   <li>{@value #LEASE_ACQUIRED}, {@value #LEASE_BUSY}, {@value #LEASE_LOST} counters {lease};
 *       {@value #LEASE_ACQUIRE_FAILURES}, {@value #LEASE_RENEWAL_FAILURES} counters {lease, reason}:
 *       from the {@link #leaseListener}; {@code reason} is a {@code LeaseStoreException.Reason} in
 *       lower case or {@code other}.</li>
 * </ul>
 * This class has only static methods and is thread-safe.
 */
public final class LifecycleMetrics {

    /** Function counter of worker restarts. */
    public static final String RESTARTS = "hardening.lifecycle.supervisor.restarts";
    /** Gauge, 1 for a worker's current state. */
    public static final String WORKER_STATE = "hardening.lifecycle.supervisor.state";
    /**
     * Tag naming a periodic job ({@code periodic_job} in Prometheus). Not {@code job}: Prometheus
     * sets that label to the scrape target and would rename ours {@code exported_job}.
     */
    public static final String JOB_TAG = "periodic.job";
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
    /** Counter of watchdog firings: shutdowns that exceeded their total budget and were halted. */
    public static final String SHUTDOWN_WATCHDOG = "hardening.lifecycle.shutdown.watchdog.firings";
    /** Counter of leases acquired on this replica. */
    public static final String LEASE_ACQUIRED = "hardening.lifecycle.lease.acquired";
    /** Counter of acquisitions that found the name held elsewhere (or kept after a release). */
    public static final String LEASE_BUSY = "hardening.lifecycle.lease.busy";
    /** Counter of leases lost (expired or taken over) while held: a renewal found another holder or none. */
    public static final String LEASE_LOST = "hardening.lifecycle.lease.lost";
    /** Counter of acquisitions that failed on the store. */
    public static final String LEASE_ACQUIRE_FAILURES = "hardening.lifecycle.lease.acquire.failures";
    /** Counter of renewals that failed on the store (retried; the lease may still run out). */
    public static final String LEASE_RENEWAL_FAILURES = "hardening.lifecycle.lease.renewal.failures";
    /** The most lease names with their own series; further names share the tag value {@code other}. */
    public static final int MAX_LEASE_NAMES = 64;

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
     * @param name     the {@value #JOB_TAG} tag (1 to 64 of letters, digits, {@code . _ - :}), usually the job's name
     * @param registry where the meters go
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static void bind(PeriodicJobs.Scheduled job, String name, MeterRegistry registry) {
        Objects.requireNonNull(job, "job");
        Checks.name(name, "name");
        Objects.requireNonNull(registry, "registry");
        FunctionCounter.builder(JOB_RUNS, job, PeriodicJobs.Scheduled::runs).description("job runs on this replica")
                .tag(JOB_TAG, name).register(registry);
        FunctionCounter.builder(JOB_SKIPPED, job, PeriodicJobs.Scheduled::skipped)
                .description("job ticks skipped: the lease was held elsewhere").tag(JOB_TAG, name).register(registry);
        FunctionCounter.builder(JOB_MISFIRES, job, PeriodicJobs.Scheduled::misfires)
                .description("late job ticks handled by the misfire policy").tag(JOB_TAG, name).register(registry);
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

    /**
     * A lease listener counting acquisitions, busy names, store failures by reason, and lost
     * leases, per lease name. Give it to {@link LeaseProvider#withListener} and use the returned
     * provider for {@code PeriodicJobs}, {@code StartupGuard} and anything renewing through a
     * {@code LeaseKeeper}. A name's meters appear (all at zero) at its first event; at most
     * {@value #MAX_LEASE_NAMES} names get their own series and names that are not valid tag values
     * (1 to 64 letters, digits, {@code . _ - :}) share {@code other}, so names built from request data
     * cannot grow the registry. Each event is one counter increment on the lease call's thread.
     *
     * @param registry where the meters go
     * @return the listener; thread-safe
     * @throws NullPointerException if {@code registry} is null
     */
    public static LeaseListener leaseListener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return new LeaseMeters(registry, MAX_LEASE_NAMES, LEASE_ACQUIRED, LEASE_BUSY, LEASE_LOST,
                LEASE_ACQUIRE_FAILURES, LEASE_RENEWAL_FAILURES);
    }

    /**
     * A shutdown listener for {@code ShutdownCoordinator.Builder.listener}: when the shutdown
     * finishes it {@linkplain #record records} the report; when the watchdog fires it increments
     * {@value #SHUTDOWN_WATCHDOG} (registered at zero here). The watchdog halts the JVM right
     * after, without closing the registry: a scraped registry (Prometheus) never shows that
     * increment, and the exit status {@code ShutdownReport.EXIT_WATCHDOG} is the signal to alert on;
     * the counter reaches a push registry only if it publishes within the watchdog's grace.
     *
     * @param registry where the meters go
     * @return the listener; thread-safe
     * @throws NullPointerException if {@code registry} is null
     */
    public static ShutdownListener shutdownListener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Counter watchdog = Counter.builder(SHUTDOWN_WATCHDOG)
                .description("shutdowns that exceeded their total budget: the watchdog halted the JVM")
                .register(registry);
        return new ShutdownListener() {
            @Override
            public void finished(ShutdownReport report) {
                record(report, registry);
            }

            @Override
            public void watchdogFired(Duration totalBudget, int status) {
                watchdog.increment();
            }
        };
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
