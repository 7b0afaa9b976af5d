package dev.hardening.lifecycle;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import dev.hardening.lifecycle.internal.DefaultDrainSignal;
import dev.hardening.lifecycle.internal.Step;
import dev.hardening.lifecycle.internal.Watchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
 * shutdown.install();                                 // the JVM shutdown hook
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
 * The installed hook halts the JVM when the sequence ends, with {@link ShutdownReport#exitCode()}:
 * 0 when everything drained, non-zero when something was cut. A second SIGTERM while the hook runs
 * does not shorten anything (the JVM serialises exits behind the running hook).
 *
 * <h2>Defaults</h2>
 * shutdown delay {@value #DEFAULT_SHUTDOWN_DELAY_SECONDS} s, no quiet period, drain timeout
 * {@value #DEFAULT_DRAIN_TIMEOUT_SECONDS} s, stop-accepting {@value #DEFAULT_STOP_ACCEPTING_MILLIS} ms,
 * force-stop {@value #DEFAULT_FORCE_STOP_MILLIS} ms, release {@value #DEFAULT_RELEASE_MILLIS} ms,
 * log flush {@value #DEFAULT_LOG_FLUSH_MILLIS} ms, total budget = the sum of the phases plus
 * {@value #DEFAULT_SLACK_MILLIS} ms (so shutdown delay + drain timeout + 2 s with the defaults).
 *
 * <p>Thread-safe. At most {@value #MAX_PARTICIPANTS} participants and as many release steps.
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
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    private static final long POLL_NANOS = 5_000_000L;

    private final Duration shutdownDelay;
    private final Optional<Duration> quietPeriod;
    private final Map<Phase, Duration> budgets;
    private final Duration totalBudget;
    private final boolean totalBudgetExplicit;
    private final Optional<Duration> terminationGracePeriod;
    private final Health health;
    private final Runnable logFlush;
    private final Halter halter;

    private final List<Registered> participants = new CopyOnWriteArrayList<>();
    private final List<ReleaseStep> releaseSteps = new CopyOnWriteArrayList<>();
    private final DefaultDrainSignal signal = new DefaultDrainSignal();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<ShutdownReport> result = new CompletableFuture<>();
    private final List<Step> running = new CopyOnWriteArrayList<>();
    private volatile Phase currentPhase;
    private volatile Thread coordinatorThread;

    private ShutdownCoordinator(Builder b) {
        this.shutdownDelay = b.shutdownDelay;
        this.quietPeriod = Optional.ofNullable(b.quietPeriod);
        this.budgets = new EnumMap<>(Phase.class);
        budgets.put(Phase.DRAIN_SIGNAL, Duration.ZERO);
        budgets.put(Phase.KEEP_SERVING, b.shutdownDelay);
        budgets.put(Phase.STOP_ACCEPTING, b.stopAcceptingTimeout);
        budgets.put(Phase.DRAIN, b.drainTimeout);
        budgets.put(Phase.FORCE_STOP, b.forceStopTimeout);
        budgets.put(Phase.RELEASE, b.releaseTimeout);
        budgets.put(Phase.FLUSH_LOGS, b.logFlushTimeout);
        this.totalBudgetExplicit = b.totalBudget != null;
        this.totalBudget = totalBudgetExplicit ? b.totalBudget : sumOfPhases().plusMillis(DEFAULT_SLACK_MILLIS);
        this.terminationGracePeriod = Optional.ofNullable(b.terminationGracePeriod);
        this.health = b.health;
        this.logFlush = b.logFlush;
        this.halter = b.halter;
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
        return register(participant, budgets.get(Phase.DRAIN));
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
        Objects.requireNonNull(participant, "participant");
        requireNonNegative("maxDrain", maxDrain);
        synchronized (participants) {
            checkOpen(participants.size(), "participants");
            participants.add(new Registered(participant, maxDrain));
        }
        return this;
    }

    /**
     * Adds a step run in {@link Phase#RELEASE}, after in-flight work ended: releasing a lease,
     * deregistering from a discovery service, flushing metrics.
     *
     * @param name a short name for the report
     * @param step what to run; should honour interrupts
     * @return this
     * @throws IllegalStateException if shutdown has started or {@value #MAX_PARTICIPANTS} are registered
     */
    public ShutdownCoordinator onRelease(String name, Runnable step) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(step, "step");
        synchronized (releaseSteps) {
            checkOpen(releaseSteps.size(), "release steps");
            releaseSteps.add(new ReleaseStep(name, step));
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
        return totalBudget;
    }

    /** @return the health this coordinator flips, if one was given */
    public Optional<Health> health() {
        return Optional.ofNullable(health);
    }

    /**
     * Installs the single JVM shutdown hook: on SIGTERM (or {@code System.exit}) it runs
     * {@link #shutdown()} and then halts the JVM with the report's exit code.
     *
     * @return this
     * @throws IllegalStateException if a coordinator's hook is already installed in this JVM
     */
    public ShutdownCoordinator install() {
        if (!HOOK_INSTALLED.compareAndSet(false, true)) {
            throw new IllegalStateException("shutdown hook: already installed (expected: one ShutdownCoordinator per JVM)");
        }
        Thread hook = new Thread(() -> {
            ShutdownReport report = shutdown();
            halter.halt(report.exitCode());
        }, "hardening-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return this;
    }

    /**
     * Runs the shutdown sequence on the calling thread, or, if it already runs or ran, waits for it.
     * Does not halt the JVM (the installed hook does), but the watchdog may.
     *
     * @return the report
     */
    public ShutdownReport shutdown() {
        if (started.compareAndSet(false, true)) {
            try {
                result.complete(run());
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
     * The coordinator's startup findings: {@code HL-D001} FAIL when the phase budgets cannot fit
     * the total budget; {@code HL-D002} WARN in production without a shutdown delay;
     * {@code HL-D003} FAIL when the total budget is not below the orchestrator's termination grace
     * period; {@code HL-D004} WARN when nothing is registered to drain.
     *
     * @return the check to add to the startup report
     */
    public StartupCheck startupCheck() {
        return this::findings;
    }

    private List<Finding> findings(AppEnvironment env) {
        List<Finding> out = new ArrayList<>();
        String rule = "IX. Disposability";
        Duration sum = sumOfPhases();
        if (sum.compareTo(totalBudget) > 0) {
            out.add(Finding.fail("HL-D001", rule, "shutdown budget",
                    "phases need " + sum.toMillis() + " ms (delay " + shutdownDelay.toMillis() + " + drain "
                            + budgets.get(Phase.DRAIN).toMillis() + " + stop/force/release/flush "
                            + sum.minus(shutdownDelay).minus(budgets.get(Phase.DRAIN)).toMillis()
                            + ") but the total budget is " + totalBudget.toMillis() + " ms",
                    "raise the total budget or shorten SHUTDOWN_DELAY / DRAIN_TIMEOUT"));
        } else {
            out.add(Finding.pass("HL-D001", rule, "shutdown budget",
                    "phases need " + sum.toMillis() + " ms of a " + totalBudget.toMillis() + " ms total budget", ""));
        }
        if (shutdownDelay.isZero() && quietPeriod.isEmpty()) {
            if (env.isProduction()) {
                out.add(Finding.warn("HL-D002", rule, "SHUTDOWN_DELAY",
                        "0s: listeners close the moment readiness turns 503, before load balancers notice",
                        "set SHUTDOWN_DELAY to a few seconds (5s is typical)"));
            } else {
                out.add(Finding.pass("HL-D002", rule, "SHUTDOWN_DELAY", "0s (acceptable outside production)", ""));
            }
        } else {
            out.add(Finding.pass("HL-D002", rule, "SHUTDOWN_DELAY", shutdownDelay.toMillis() + " ms", ""));
        }
        terminationGracePeriod.ifPresent(grace -> {
            if (totalBudget.compareTo(grace) >= 0) {
                out.add(Finding.fail("HL-D003", rule, "termination grace period",
                        "total shutdown budget " + totalBudget.toMillis() + " ms is not below the grace period "
                                + grace.toMillis() + " ms: the process would be SIGKILLed mid-drain",
                        "raise terminationGracePeriodSeconds or shorten SHUTDOWN_DELAY / DRAIN_TIMEOUT"));
            } else {
                out.add(Finding.pass("HL-D003", rule, "termination grace period",
                        "total budget " + totalBudget.toMillis() + " ms < grace period " + grace.toMillis() + " ms", ""));
            }
        });
        if (participants.isEmpty()) {
            out.add(Finding.warn("HL-D004", rule, "drain participants",
                    "nothing registered: in-flight work will not be drained", "register the HTTP server and executors"));
        } else {
            out.add(Finding.pass("HL-D004", rule, "drain participants", participants.size() + " registered", ""));
        }
        return out;
    }

    private Duration sumOfPhases() {
        Duration sum = Duration.ZERO;
        for (Duration d : budgets.values()) {
            sum = sum.plus(d);
        }
        return sum;
    }

    private Duration reserveAfter(Phase phase) {
        Duration sum = Duration.ZERO;
        for (Phase p : Phase.values()) {
            if (p.ordinal() > phase.ordinal()) {
                sum = sum.plus(budgets.get(p));
            }
        }
        return sum;
    }

    private Deadline phaseDeadline(Deadline total, Phase phase) {
        return total.minus(reserveAfter(phase)).atMost(budgets.get(phase));
    }

    // ------------------------------------------------------------------ the sequence

    private ShutdownReport run() {
        coordinatorThread = Thread.currentThread();
        long t0 = System.nanoTime();
        Deadline total = Deadline.after(totalBudget);
        Watchdog watchdog = Watchdog.arm(total, this::describeRunning, halter, ShutdownReport.EXIT_WATCHDOG);
        List<ShutdownReport.PhaseTiming> timings = new ArrayList<>();
        List<Registered> ps = List.copyOf(participants);
        LOG.info("shutdown started: {} participant(s), total budget {} ms", ps.size(), totalBudget.toMillis());

        // DRAIN_SIGNAL
        long p0 = enter(Phase.DRAIN_SIGNAL);
        if (health != null) {
            health.markShuttingDown();
        }
        signal.fire();
        for (Registered r : ps) {
            try {
                r.participant.drainSignal();
            } catch (RuntimeException e) {
                LOG.warn("drain signal to {} failed: {}", r.participant.name(), e.toString());
            }
        }
        timings.add(timing(Phase.DRAIN_SIGNAL, p0));

        // KEEP_SERVING
        p0 = enter(Phase.KEEP_SERVING);
        keepServing(phaseDeadline(total, Phase.KEEP_SERVING), ps);
        timings.add(timing(Phase.KEEP_SERVING, p0));

        // STOP_ACCEPTING
        p0 = enter(Phase.STOP_ACCEPTING);
        Deadline stopDeadline = phaseDeadline(total, Phase.STOP_ACCEPTING);
        List<Step> stops = new ArrayList<>();
        for (Registered r : ps) {
            stops.add(track(Step.start("stop-accepting-" + r.participant.name(), () -> {
                r.participant.stopAccepting();
                return true;
            })));
        }
        for (Step s : stops) {
            if (!s.await(stopDeadline)) {
                LOG.warn("{} did not stop accepting within its budget", s.name());
            } else if (s.failure() != null) {
                LOG.warn("{} failed: {}", s.name(), s.failure().toString());
            }
        }
        untrack(stops);
        timings.add(timing(Phase.STOP_ACCEPTING, p0));

        // DRAIN
        p0 = enter(Phase.DRAIN);
        Deadline drainDeadline = phaseDeadline(total, Phase.DRAIN);
        long[] atStart = new long[ps.size()];
        List<Step> drains = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            Registered r = ps.get(i);
            atStart[i] = safeInFlight(r.participant);
            Deadline sub = drainDeadline.atMost(r.maxDrain);
            drains.add(track(Step.start("drain-" + r.participant.name(), () -> r.participant.drain(sub))));
        }
        for (int i = 0; i < ps.size(); i++) {
            drains.get(i).await(drainDeadline.atMost(ps.get(i).maxDrain));
        }
        untrack(drains);
        timings.add(timing(Phase.DRAIN, p0));

        // FORCE_STOP
        p0 = enter(Phase.FORCE_STOP);
        Deadline forceDeadline = phaseDeadline(total, Phase.FORCE_STOP);
        List<ShutdownReport.Outcome> outcomes = new ArrayList<>();
        Step[] forces = new Step[ps.size()];
        long[] atForce = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            Step d = drains.get(i);
            if (d.isDone() && d.failure() == null && d.result()) {
                continue;
            }
            DrainParticipant p = ps.get(i).participant;
            atForce[i] = Math.max(1, safeInFlight(p));
            forces[i] = track(Step.start("force-stop-" + p.name(), () -> {
                p.forceStop();
                return true;
            }));
        }
        for (int i = 0; i < ps.size(); i++) {
            DrainParticipant p = ps.get(i).participant;
            Step d = drains.get(i);
            Duration took = Duration.ofNanos(d.tookNanos());
            if (forces[i] == null) {
                outcomes.add(new ShutdownReport.Outcome(p.name(), ShutdownReport.Result.FINISHED, atStart[i], 0, took,
                        Optional.empty()));
                continue;
            }
            boolean forced = forces[i].await(forceDeadline);
            ShutdownReport.Result res;
            Optional<String> failure = Optional.empty();
            if (d.isDone() && d.failure() != null) {
                res = ShutdownReport.Result.FAILED;
                failure = Optional.of(describe(d.failure()));
            } else if (!forced) {
                res = ShutdownReport.Result.HUNG;
            } else {
                res = ShutdownReport.Result.CUT;
            }
            LOG.warn("{} did not drain in time: {} with {} unit(s) in flight", p.name(), res, atForce[i]);
            outcomes.add(new ShutdownReport.Outcome(p.name(), res, atStart[i], atForce[i], took, failure));
        }
        untrackAll();
        timings.add(timing(Phase.FORCE_STOP, p0));

        // RELEASE
        p0 = enter(Phase.RELEASE);
        Deadline releaseDeadline = phaseDeadline(total, Phase.RELEASE);
        List<ReleaseStep> rs = List.copyOf(releaseSteps);
        List<Step> releases = new ArrayList<>();
        for (ReleaseStep r : rs) {
            releases.add(track(Step.start("release-" + r.name, () -> {
                r.step.run();
                return true;
            })));
        }
        for (int i = 0; i < rs.size(); i++) {
            Step s = releases.get(i);
            boolean done = s.await(releaseDeadline);
            ShutdownReport.Result res = !done ? ShutdownReport.Result.HUNG
                    : s.failure() != null ? ShutdownReport.Result.FAILED : ShutdownReport.Result.FINISHED;
            Optional<String> failure = done && s.failure() != null ? Optional.of(describe(s.failure())) : Optional.empty();
            if (res != ShutdownReport.Result.FINISHED) {
                LOG.warn("release step {} {}", rs.get(i).name, res);
            }
            outcomes.add(new ShutdownReport.Outcome("release:" + rs.get(i).name, res, -1, 0,
                    Duration.ofNanos(s.tookNanos()), failure));
        }
        untrackAll();
        timings.add(timing(Phase.RELEASE, p0));

        // FLUSH_LOGS: the report is the last line, then the backend is flushed on this thread.
        p0 = enter(Phase.FLUSH_LOGS);
        ShutdownReport preliminary = new ShutdownReport(timings, outcomes, Duration.ofNanos(System.nanoTime() - t0));
        if (preliminary.fullyDrained()) {
            LOG.info("{}", preliminary.render());
        } else {
            LOG.warn("{}", preliminary.render());
        }
        if (logFlush != null) {
            try {
                logFlush.run();
            } catch (RuntimeException e) {
                LOG.warn("log flush failed: {}", e.toString());
            }
        }
        timings.add(timing(Phase.FLUSH_LOGS, p0));
        watchdog.disarm();
        currentPhase = null;
        return new ShutdownReport(timings, outcomes, Duration.ofNanos(System.nanoTime() - t0));
    }

    private void keepServing(Deadline until, List<Registered> ps) {
        if (quietPeriod.isEmpty()) {
            while (!until.isExpired()) {
                LockSupport.parkNanos(this, until.remainingNanos());
            }
            return;
        }
        long quiet = quietPeriod.get().toNanos();
        long quietSince = System.nanoTime();
        long lastActivity = activity(ps);
        while (!until.isExpired()) {
            long now = System.nanoTime();
            long act = activity(ps);
            if (act != lastActivity || inFlight(ps) > 0) {
                lastActivity = act;
                quietSince = now;
            } else if (now - quietSince >= quiet) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(POLL_NANOS, until.remainingNanos()));
        }
    }

    private static long activity(List<Registered> ps) {
        long sum = 0;
        for (Registered r : ps) {
            try {
                sum += r.participant.activityCount();
            } catch (RuntimeException e) {
                sum += 0;
            }
        }
        return sum;
    }

    private static long inFlight(List<Registered> ps) {
        long sum = 0;
        for (Registered r : ps) {
            sum += Math.max(0, safeInFlight(r.participant));
        }
        return sum;
    }

    private static long safeInFlight(DrainParticipant p) {
        try {
            return p.inFlight();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private long enter(Phase phase) {
        currentPhase = phase;
        LOG.debug("shutdown phase {}", phase);
        return System.nanoTime();
    }

    private static ShutdownReport.PhaseTiming timing(Phase phase, long start) {
        return new ShutdownReport.PhaseTiming(phase, Duration.ofNanos(System.nanoTime() - start));
    }

    private Step track(Step s) {
        running.add(s);
        return s;
    }

    private void untrack(List<Step> steps) {
        for (Step s : steps) {
            if (s.isDone()) {
                running.remove(s);
            }
        }
    }

    private void untrackAll() {
        running.removeIf(Step::isDone);
    }

    private String describeRunning() {
        StringBuilder sb = new StringBuilder("phase ").append(currentPhase);
        Thread ct = coordinatorThread;
        if (currentPhase == Phase.FLUSH_LOGS && ct != null) {
            sb.append("; log flush hung at ").append(top(ct));
        }
        for (Step s : running) {
            if (!s.isDone()) {
                sb.append("; ").append(s.name()).append(" running ").append(s.tookNanos() / 1_000_000L)
                        .append(" ms at ").append(top(s.thread()));
            }
        }
        return sb.toString();
    }

    private static String top(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, st.length); i++) {
            if (i > 0) {
                sb.append(" <- ");
            }
            sb.append(st[i]);
        }
        return sb.length() == 0 ? "(no stack)" : sb.toString();
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Duration requireNonNegative(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + ": " + d + " (expected: >= 0)");
        }
        return d;
    }

    private record Registered(DrainParticipant participant, Duration maxDrain) {
    }

    private record ReleaseStep(String name, Runnable step) {
    }

    /**
     * Builds a {@link ShutdownCoordinator}. Each option may be set once; values are validated at
     * once and combinations in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private Duration shutdownDelay = Duration.ofSeconds(DEFAULT_SHUTDOWN_DELAY_SECONDS);
        private Duration quietPeriod;
        private Duration drainTimeout = Duration.ofSeconds(DEFAULT_DRAIN_TIMEOUT_SECONDS);
        private Duration stopAcceptingTimeout = Duration.ofMillis(DEFAULT_STOP_ACCEPTING_MILLIS);
        private Duration forceStopTimeout = Duration.ofMillis(DEFAULT_FORCE_STOP_MILLIS);
        private Duration releaseTimeout = Duration.ofMillis(DEFAULT_RELEASE_MILLIS);
        private Duration logFlushTimeout = Duration.ofMillis(DEFAULT_LOG_FLUSH_MILLIS);
        private Duration totalBudget;
        private Duration terminationGracePeriod;
        private Health health;
        private Runnable logFlush;
        private Halter halter = Halter.runtime();
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * @param delay how long to keep serving after readiness turns not-ready ({@code SHUTDOWN_DELAY});
         *              with a quiet period, the longest to wait for quiet
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownDelay(Duration delay) {
            once("shutdownDelay");
            shutdownDelay = requireNonNegative("shutdownDelay", delay);
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
            once("quietPeriod");
            quietPeriod = requireNonNegative("quietPeriod", quiet);
            return this;
        }

        /**
         * @param timeout how long in-flight work may finish after listeners close ({@code DRAIN_TIMEOUT})
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder drainTimeout(Duration timeout) {
            once("drainTimeout");
            drainTimeout = requireNonNegative("drainTimeout", timeout);
            return this;
        }

        /**
         * @param timeout budget of the stop-accepting phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder stopAcceptingTimeout(Duration timeout) {
            once("stopAcceptingTimeout");
            stopAcceptingTimeout = requireNonNegative("stopAcceptingTimeout", timeout);
            return this;
        }

        /**
         * @param timeout budget of the force-stop phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder forceStopTimeout(Duration timeout) {
            once("forceStopTimeout");
            forceStopTimeout = requireNonNegative("forceStopTimeout", timeout);
            return this;
        }

        /**
         * @param timeout budget of the release phase
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder releaseTimeout(Duration timeout) {
            once("releaseTimeout");
            releaseTimeout = requireNonNegative("releaseTimeout", timeout);
            return this;
        }

        /**
         * @param timeout budget of the final log flush
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder logFlushTimeout(Duration timeout) {
            once("logFlushTimeout");
            logFlushTimeout = requireNonNegative("logFlushTimeout", timeout);
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
            once("totalBudget");
            Objects.requireNonNull(budget, "totalBudget");
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("totalBudget: " + budget + " (expected: > 0)");
            }
            totalBudget = budget;
            return this;
        }

        /**
         * @param grace the orchestrator's SIGTERM-to-SIGKILL time ({@code terminationGracePeriodSeconds});
         *              the startup check fails when the total budget is not below it
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder terminationGracePeriod(Duration grace) {
            once("terminationGracePeriod");
            Objects.requireNonNull(grace, "terminationGracePeriod");
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("terminationGracePeriod: " + grace + " (expected: > 0)");
            }
            terminationGracePeriod = grace;
            return this;
        }

        /**
         * @param h the health whose readiness turns off at the first moment of shutdown
         * @return this
         */
        public Builder health(Health h) {
            once("health");
            health = Objects.requireNonNull(h, "health");
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
            once("logFlush");
            logFlush = Objects.requireNonNull(flush, "logFlush");
            return this;
        }

        /**
         * @param h how the hook and the watchdog end the JVM; default {@link Halter#runtime()}
         * @return this
         */
        public Builder halter(Halter h) {
            once("halter");
            halter = Objects.requireNonNull(h, "halter");
            return this;
        }

        /**
         * @return the coordinator
         * @throws IllegalArgumentException if the quiet period exceeds the shutdown delay
         */
        public ShutdownCoordinator build() {
            if (quietPeriod != null && quietPeriod.compareTo(shutdownDelay) > 0) {
                throw new IllegalArgumentException("quietPeriod: " + quietPeriod
                        + " (expected: <= shutdownDelay " + shutdownDelay + ", the longest wait for quiet)");
            }
            return new ShutdownCoordinator(this);
        }
    }
}
