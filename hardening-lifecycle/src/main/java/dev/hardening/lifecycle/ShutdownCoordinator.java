package dev.hardening.lifecycle;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.internal.DefaultDrainSignal;
import dev.hardening.lifecycle.internal.ShutdownPlan;
import dev.hardening.lifecycle.internal.ShutdownSequence;
import dev.hardening.lifecycle.internal.SignalHandlers;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a process's shutdown: one JVM shutdown hook, one timeline, one total budget.
 *
 * <pre>{@code
 * ShutdownCoordinator shutdown = ShutdownCoordinator.builder()
 *         .shutdownDelay(Duration.ofSeconds(5))      // SHUTDOWN_DELAY
 *         .drainTimeout(Duration.ofSeconds(20))      // DRAIN_TIMEOUT
 *         .health(health)
 *         .build();
 * shutdown.register(HttpServerDrain.builder(server).executor(pool).build());
 * shutdown.register(DrainParticipants.executor("jobs", jobs));
 * shutdown.install();                                 // SIGTERM / SIGINT handling
 * }</pre>
 *
 * <h2>Timeline</h2>
 * On SIGTERM (or {@link #shutdown()}): {@link Phase#DRAIN_SIGNAL} — readiness turns not-ready at
 * once and the {@link #drainSignal()} fires; {@link Phase#KEEP_SERVING} — requests are still
 * served for the shutdown delay, or, with a {@linkplain Builder#quietPeriod quiet period}, until
 * nothing was in flight or completed for that long (at most the delay); {@link Phase#STOP_ACCEPTING};
 * {@link Phase#DRAIN} — every participant in parallel, each under its own sub-deadline;
 * {@link Phase#FORCE_STOP} — participants that did not drain are cut; {@link Phase#RELEASE} —
 * release steps (leases); {@link Phase#FLUSH_LOGS} — the {@link ShutdownReport} is logged, then
 * the logging backend is flushed, last.
 *
 * <p>Each phase has its own budget and every phase's deadline is also capped so that the phases
 * after it keep theirs inside the total budget. A watchdog armed at the start halts the JVM with
 * {@link ShutdownReport#EXIT_WATCHDOG} if the total budget is exceeded, after logging what hung.
 *
 * <h2>Exit</h2>
 * {@link #install()} handles SIGTERM and SIGINT itself: the sequence runs on an ordinary thread,
 * then the JVM exits with {@code System.exit(}{@link ShutdownReport#exitCode()}{@code )}: 0 when
 * everything drained, non-zero when something was cut. Every other shutdown hook (log flushing,
 * telemetry export) then runs normally and to its end; nothing is halted except by the watchdog.
 * A second signal during the drain is ignored: it neither skips nor shortens the drain. Where the
 * JVM does not let a library handle signals (no {@code jdk.unsupported}, {@code -Xrs}), the drain
 * runs from a shutdown hook instead; it still drains but does not halt, so the exit status is then
 * the JVM's own (143 after SIGTERM) whatever was cut. {@code System.exit} called by the
 * application also runs the drain, from that hook, and keeps the status the application chose.
 *
 * <h2>Defaults</h2>
 * shutdown delay {@value #DEFAULT_SHUTDOWN_DELAY_SECONDS} s, no quiet period, drain timeout
 * {@value #DEFAULT_DRAIN_TIMEOUT_SECONDS} s, stop-accepting {@value #DEFAULT_STOP_ACCEPTING_MILLIS} ms,
 * force-stop {@value #DEFAULT_FORCE_STOP_MILLIS} ms, release {@value #DEFAULT_RELEASE_MILLIS} ms,
 * log flush {@value #DEFAULT_LOG_FLUSH_MILLIS} ms, total budget = the sum of the phases plus
 * {@value #DEFAULT_SLACK_MILLIS} ms (so shutdown delay + drain timeout + 2 s with the defaults).
 *
 * <p>Every wait and measurement reads the {@linkplain Builder#timeSource time source}. Thread-safe.
 * At most {@value #MAX_PARTICIPANTS} participants and as many release steps.
 */
public final class ShutdownCoordinator {

    /** Default keep-serving delay, in seconds. */
    public static final int DEFAULT_SHUTDOWN_DELAY_SECONDS = 0;
    /** Default drain timeout, in seconds. */
    public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 20;
    /** Default budget for closing listeners, in milliseconds. */
    public static final int DEFAULT_STOP_ACCEPTING_MILLIS = 250;
    /** Default budget for force-stopping what did not drain, in milliseconds. */
    public static final int DEFAULT_FORCE_STOP_MILLIS = 500;
    /** Default budget for release steps, in milliseconds. */
    public static final int DEFAULT_RELEASE_MILLIS = 500;
    /** Default budget for the final log flush, in milliseconds. */
    public static final int DEFAULT_LOG_FLUSH_MILLIS = 500;
    /** Slack added to the sum of phases for the default total budget, in milliseconds. */
    public static final int DEFAULT_SLACK_MILLIS = 250;
    /** The most participants (and, separately, release steps) one coordinator accepts. */
    public static final int MAX_PARTICIPANTS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private final ShutdownPlan plan;
    private final ShutdownSequence sequence;
    private final Optional<Health> health;
    private final List<ShutdownSequence.Participant> participants = new CopyOnWriteArrayList<>();
    private final List<ShutdownSequence.ReleaseStep> releaseSteps = new CopyOnWriteArrayList<>();
    private final DefaultDrainSignal signal = new DefaultDrainSignal();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean installed = new AtomicBoolean();
    private final CompletableFuture<ShutdownReport> result = new CompletableFuture<>();

    private ShutdownCoordinator(Builder b) {
        Map<Phase, Duration> budgets = new EnumMap<>(Phase.class);
        budgets.put(Phase.DRAIN_SIGNAL, Duration.ZERO);
        budgets.put(Phase.KEEP_SERVING, b.shutdownDelay);
        budgets.put(Phase.STOP_ACCEPTING, b.stopAcceptingTimeout);
        budgets.put(Phase.DRAIN, b.drainTimeout);
        budgets.put(Phase.FORCE_STOP, b.forceStopTimeout);
        budgets.put(Phase.RELEASE, b.releaseTimeout);
        budgets.put(Phase.FLUSH_LOGS, b.logFlushTimeout);
        this.plan = ShutdownPlan.of(budgets, Optional.ofNullable(b.quietPeriod), Optional.ofNullable(b.totalBudget),
                Duration.ofMillis(DEFAULT_SLACK_MILLIS), Optional.ofNullable(b.terminationGracePeriod));
        this.health = Optional.ofNullable(b.health);
        this.sequence = new ShutdownSequence(plan, b.timeSource, health, signal, Optional.ofNullable(b.logFlush),
                b.halter, ShutdownReport.EXIT_WATCHDOG, Optional.ofNullable(b.listener));
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a participant drained under the phase's deadline.
     *
     * @param participant what to drain
     * @return this
     * @throws IllegalStateException if shutdown has started or {@value #MAX_PARTICIPANTS} are registered
     */
    public ShutdownCoordinator register(DrainParticipant participant) {
        return register(participant, plan.budget(Phase.DRAIN));
    }

    /**
     * Adds a participant with its own drain sub-deadline (capped by the drain phase's deadline).
     *
     * @param participant what to drain
     * @param maxDrain    the longest this participant may take to drain
     * @return this
     * @throws IllegalArgumentException if {@code maxDrain} is negative
     * @throws IllegalStateException    if shutdown has started or {@value #MAX_PARTICIPANTS} are registered
     */
    public ShutdownCoordinator register(DrainParticipant participant, Duration maxDrain) {
        Checks.notNull(participant, "participant");
        Checks.nonNegative(maxDrain, "maxDrain");
        synchronized (participants) {
            checkOpen(participants.size(), "participants");
            participants.add(new ShutdownSequence.Participant(participant, maxDrain));
        }
        return this;
    }

    /**
     * Adds a step run in {@link Phase#RELEASE}, after in-flight work ended: releasing a lease,
     * deregistering from a discovery service, flushing metrics.
     *
     * @param name a short name for the report: 1 to 64 letters, digits, {@code . _ - :}
     * @param step what to run; should honour interrupts
     * @return this
     * @throws IllegalArgumentException if the name is not a valid name
     * @throws IllegalStateException    if shutdown has started or {@value #MAX_PARTICIPANTS} are registered
     */
    public ShutdownCoordinator onRelease(String name, Runnable step) {
        Checks.name(name, "name");
        Checks.notNull(step, "step");
        synchronized (releaseSteps) {
            checkOpen(releaseSteps.size(), "release steps");
            releaseSteps.add(new ShutdownSequence.ReleaseStep(name, step));
        }
        return this;
    }

    private void checkOpen(int size, String what) {
        if (started.get()) {
            throw new IllegalStateException(what + ": shutdown already started (expected: register before shutdown)");
        }
        if (size >= MAX_PARTICIPANTS) {
            throw new IllegalStateException(what + ": " + size + " registered (expected: at most " + MAX_PARTICIPANTS + ")");
        }
    }

    /** @return the signal long-lived streams subscribe to */
    public DrainSignal drainSignal() {
        return signal;
    }

    /** @return whether shutdown has started */
    public boolean isShuttingDown() {
        return started.get();
    }

    /** @return the total budget: the watchdog halts the JVM when a shutdown exceeds it */
    public Duration totalBudget() {
        return plan.totalBudget();
    }

    /** @return the health this coordinator flips, if one was given */
    public Optional<Health> health() {
        return health;
    }

    /**
     * Takes over the process's termination: SIGTERM and SIGINT run {@link #shutdown()} on a
     * non-daemon thread named {@code hardening-shutdown}, then {@code System.exit} with the report's
     * exit code, so other shutdown hooks run normally. A shutdown hook is added as well: it runs
     * (or waits for) the same sequence when the JVM exits any other way, and never halts. Call it
     * after registering participants: an empty coordinator logs the {@code HL-D004} warning here.
     *
     * @return this
     * @throws IllegalStateException if a coordinator is already installed in this JVM
     */
    public ShutdownCoordinator install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            throw new IllegalStateException("install: already installed (expected: one ShutdownCoordinator per JVM)");
        }
        installed.set(true);
        if (participants.isEmpty()) {
            LOG.warn("HL-D004 nothing registered: in-flight work will not be drained");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "hardening-shutdown-hook"));
        AtomicBoolean signalled = new AtomicBoolean();
        // Built now, started by the first signal: nothing on the way from the signal to the drain
        // signal loads a class or links a lambda (on a starved machine each costs milliseconds).
        Thread sequenceThread = new Thread(this::shutdownAndExit, "hardening-shutdown");
        sequenceThread.setDaemon(false);
        List<String> handled = SignalHandlers.handle(() -> {
            if (signalled.compareAndSet(false, true)) {
                sequenceThread.start();
            } else {
                LOG.info("signal received again: the drain already running continues");
            }
        }, "TERM", "INT");
        if (handled.isEmpty()) {
            LOG.warn("signals cannot be handled in this JVM: the drain runs from a shutdown hook and the exit "
                    + "status does not tell drained from cut");
        }
        return this;
    }

    private void shutdownAndExit() {
        int status;
        try {
            status = shutdown().exitCode();
        } catch (RuntimeException e) {
            LOG.error("shutdown sequence failed");
            status = ShutdownReport.EXIT_CUT;
        }
        System.exit(status);
    }

    /**
     * Runs the shutdown sequence on the calling thread, or, if it already runs or ran, waits for it.
     * Does not end the JVM (the signal handling of {@link #install()} does), but the watchdog may.
     *
     * @return the report
     * @throws IllegalStateException if the sequence itself failed
     */
    public ShutdownReport shutdown() {
        if (started.compareAndSet(false, true)) {
            try {
                result.complete(sequence.run(List.copyOf(participants), List.copyOf(releaseSteps)));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                throw e;
            }
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("shutdown failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The coordinator's startup findings, evaluated each time the check runs: {@code HL-D001} FAIL
     * when the phase budgets cannot fit the total budget; {@code HL-D002} WARN in production
     * without a shutdown delay; {@code HL-D003} FAIL when the total budget is not below the
     * orchestrator's termination grace period; {@code HL-D004} the participants registered so far:
     * WARN when none is registered once {@link #install()} ran, and, before that, a PASS saying
     * that none is registered yet, because a service usually prints its report before it opens
     * (and registers) its server. {@link #install()} checks again and logs the warning.
     *
     * @return the check to add to the startup report
     */
    public StartupCheck startupCheck() {
        return this::findings;
    }

    private List<Finding> findings(AppEnvironment env) {
        return plan.findings(env, participants.size(), installed.get());
    }

    /**
     * Builds a {@link ShutdownCoordinator}. Each option may be set once; values are validated at
     * once and combinations in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private Duration shutdownDelay;
        private Duration quietPeriod;
        private Duration drainTimeout;
        private Duration stopAcceptingTimeout;
        private Duration forceStopTimeout;
        private Duration releaseTimeout;
        private Duration logFlushTimeout;
        private Duration totalBudget;
        private Duration terminationGracePeriod;
        private Health health;
        private Runnable logFlush;
        private Halter halter;
        private TimeSource timeSource;
        private ShutdownListener listener;

        private Builder() {
        }

        /**
         * @param delay how long to keep serving after readiness turns not-ready ({@code SHUTDOWN_DELAY});
         *              with a quiet period, the longest to wait for quiet
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownDelay(Duration delay) {
            shutdownDelay = Checks.setOnce(shutdownDelay, Checks.nonNegative(delay, "shutdownDelay"), "shutdownDelay");
            return this;
        }

        /**
         * Ends the keep-serving phase early once nothing was in flight and nothing started or
         * ended for this long (Armeria-style); the shutdown delay is then the maximum wait.
         *
         * @param quiet the quiet period; must not exceed the shutdown delay
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder quietPeriod(Duration quiet) {
            quietPeriod = Checks.setOnce(quietPeriod, Checks.nonNegative(quiet, "quietPeriod"), "quietPeriod");
            return this;
        }

        /**
         * @param timeout how long in-flight work may finish after listeners close ({@code DRAIN_TIMEOUT})
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder drainTimeout(Duration timeout) {
            drainTimeout = Checks.setOnce(drainTimeout, Checks.nonNegative(timeout, "drainTimeout"), "drainTimeout");
            return this;
        }

        /**
         * @param timeout budget of the stop-accepting phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder stopAcceptingTimeout(Duration timeout) {
            stopAcceptingTimeout = Checks.setOnce(stopAcceptingTimeout, Checks.nonNegative(timeout, "stopAcceptingTimeout"), "stopAcceptingTimeout");
            return this;
        }

        /**
         * @param timeout budget of the force-stop phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder forceStopTimeout(Duration timeout) {
            forceStopTimeout = Checks.setOnce(forceStopTimeout, Checks.nonNegative(timeout, "forceStopTimeout"), "forceStopTimeout");
            return this;
        }

        /**
         * @param timeout budget of the release phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder releaseTimeout(Duration timeout) {
            releaseTimeout = Checks.setOnce(releaseTimeout, Checks.nonNegative(timeout, "releaseTimeout"), "releaseTimeout");
            return this;
        }

        /**
         * @param timeout budget of the final log flush
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder logFlushTimeout(Duration timeout) {
            logFlushTimeout = Checks.setOnce(logFlushTimeout, Checks.nonNegative(timeout, "logFlushTimeout"), "logFlushTimeout");
            return this;
        }

        /**
         * Sets the total budget explicitly. A budget smaller than the sum of the phases is not
         * rejected here: {@link ShutdownCoordinator#startupCheck()} reports it as FAIL
         * {@code HL-D001}, and the later phases keep their budgets by cutting the earlier ones.
         *
         * @param budget the most a shutdown may take before the watchdog halts the JVM
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder totalBudget(Duration budget) {
            totalBudget = Checks.setOnce(totalBudget, Checks.positive(budget, "totalBudget"), "totalBudget");
            return this;
        }

        /**
         * @param grace the orchestrator's SIGTERM-to-SIGKILL time ({@code terminationGracePeriodSeconds});
         *              the startup check fails when the total budget is not below it
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder terminationGracePeriod(Duration grace) {
            terminationGracePeriod = Checks.setOnce(terminationGracePeriod,
                    Checks.positive(grace, "terminationGracePeriod"), "terminationGracePeriod");
            return this;
        }

        /**
         * @param h the health whose readiness turns off at the first moment of shutdown
         * @return this
         */
        public Builder health(Health h) {
            health = Checks.setOnce(health, h, "health");
            return this;
        }

        /**
         * The last thing a shutdown does, after the report is logged: flush and stop the logging
         * backend (disable the backend's own shutdown hook, such as {@code log4j2.shutdownHookEnabled=false},
         * so logging lives until here).
         *
         * @param flush for example {@code LogManager::shutdown}
         * @return this
         */
        public Builder logFlush(Runnable flush) {
            logFlush = Checks.setOnce(logFlush, flush, "logFlush");
            return this;
        }

        /**
         * @param h how the watchdog ends the JVM when the total budget is exceeded; default {@link Halter#runtime()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder halter(Halter h) {
            halter = Checks.setOnce(halter, h, "halter");
            return this;
        }

        /**
         * Tells a listener how the shutdown ended: the report once it finished, or the watchdog
         * firing before it halts the JVM. Default: none. A listener that throws is logged and
         * ignored.
         *
         * @param l the listener, for example {@code LifecycleMetrics.shutdownListener(registry)}
         * @return this
         * @throws IllegalStateException if already set
         * @throws NullPointerException  if {@code l} is null
         */
        public Builder listener(ShutdownListener l) {
            listener = Checks.setOnce(listener, l, "listener");
            return this;
        }

        /**
         * @param t the time source every phase deadline, wait and timing reads; default {@link TimeSource#system()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource t) {
            timeSource = Checks.setOnce(timeSource, t, "timeSource");
            return this;
        }

        /**
         * @return the coordinator
         * @throws IllegalArgumentException if the quiet period exceeds the shutdown delay
         */
        public ShutdownCoordinator build() {
            shutdownDelay = orDefault(shutdownDelay, Duration.ofSeconds(DEFAULT_SHUTDOWN_DELAY_SECONDS));
            drainTimeout = orDefault(drainTimeout, Duration.ofSeconds(DEFAULT_DRAIN_TIMEOUT_SECONDS));
            stopAcceptingTimeout = orDefault(stopAcceptingTimeout, Duration.ofMillis(DEFAULT_STOP_ACCEPTING_MILLIS));
            forceStopTimeout = orDefault(forceStopTimeout, Duration.ofMillis(DEFAULT_FORCE_STOP_MILLIS));
            releaseTimeout = orDefault(releaseTimeout, Duration.ofMillis(DEFAULT_RELEASE_MILLIS));
            logFlushTimeout = orDefault(logFlushTimeout, Duration.ofMillis(DEFAULT_LOG_FLUSH_MILLIS));
            halter = orDefault(halter, Halter.runtime());
            timeSource = orDefault(timeSource, TimeSource.system());
            if (quietPeriod != null && quietPeriod.compareTo(shutdownDelay) > 0) {
                throw new IllegalArgumentException("quietPeriod: " + quietPeriod
                        + " (expected: <= shutdownDelay " + shutdownDelay + ", the longest wait for quiet)");
            }
            return new ShutdownCoordinator(this);
        }

        private static <T> T orDefault(T value, T fallback) {
            return value != null ? value : fallback;
        }
    }
}
