package dev.hardening.lifecycle;

import dev.hardening.config.Failures;
import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs periodic jobs at most once per interval across replicas. Every replica ticks on its own
 * schedule; a tick runs the job only if it can {@link LeaseProvider#tryAcquire acquire} the job's
 * lease, otherwise it is skipped (skip-if-held, never queued). After a run the lease is kept until
 * the job's minimum interval has passed since the run started, so a replica whose schedule is
 * shifted cannot run it again too soon. The job sees the lease's fencing token.
 *
 * <p>While a job runs, its lease is renewed to {@code leaseTtl} every third of the ttl on the
 * injected {@link DelayScheduler} (a {@link LeaseKeeper}), so a run may take longer than the ttl;
 * the ttl bounds how long a replica that died mid-run keeps the job from its peers. A run whose
 * lease is lost anyway (the store restarted empty, a pause outlasted the ttl) sees
 * {@code context.lease().isValid()} turn {@code false} and should stop; its fenced writes fail.
 *
 * <p>Misfires: when a tick comes late (a long run, a pause), {@link Misfire#SKIP} drops the missed
 * ticks and waits for the next aligned one; {@link Misfire#RUN_ONCE} runs once at once and then
 * keeps the interval from there.
 *
 * <p>As a {@link DrainParticipant}: the drain signal stops new ticks, {@code drain} waits for
 * running jobs, force stop interrupts them and releases their leases at once so a peer can take
 * over. Thread-safe; at most {@value #MAX_JOBS} jobs.
 */
public final class PeriodicJobs implements DrainParticipant {

    /** The most jobs one instance accepts. */
    public static final int MAX_JOBS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicJobs.class);

    /** What to do with ticks missed while the job ran long or the process paused. */
    public enum Misfire {
        /** Drop missed ticks; run at the next aligned tick. */
        SKIP,
        /** Run once right away, then continue the interval from then. */
        RUN_ONCE
    }

    /** A periodic job. */
    @FunctionalInterface
    public interface Job {
        /**
         * @param context the run's lease and fencing token
         * @throws Exception a failure, logged; the next tick runs as usual
         */
        void run(JobContext context) throws Exception;
    }

    /**
     * One run of a job.
     *
     * @param name  the job name
     * @param lease the lease held for this run; pass {@code lease.fencingToken()} with protected writes
     */
    public record JobContext(String name, Lease lease) {
        /** @return the fencing token of this run */
        public long fencingToken() {
            return lease.fencingToken();
        }
    }

    /**
     * A job's schedule.
     *
     * @param name         unique name; the lease is {@code job:<name>}
     * @param interval     time between ticks
     * @param minInterval  least time between two runs across replicas (kept on the lease); default interval / 2
     * @param leaseTtl     the lease time to live, renewed every third of it while a run lasts; how long
     *                     a replica that died mid-run blocks the job; default the interval
     * @param initialDelay time before the first tick; default the interval
     * @param misfire      misfire policy; default {@link Misfire#SKIP}
     */
    public record JobSpec(String name, Duration interval, Duration minInterval, Duration leaseTtl, Duration initialDelay,
                          Misfire misfire) {
        /**
         * @throws IllegalArgumentException for a name that is not 1 to 64 letters, digits, {@code . _ - :},
         *                                  a non-positive interval or ttl, or a negative minInterval or initialDelay
         * @throws NullPointerException     if a component is null
         */
        public JobSpec {
            Checks.name(name, "name");
            Checks.notNull(misfire, "misfire");
            Checks.positive(interval, "interval");
            Checks.positive(leaseTtl, "leaseTtl");
            Checks.nonNegative(minInterval, "minInterval");
            Checks.nonNegative(initialDelay, "initialDelay");
        }

        /**
         * @param name     job name
         * @param interval time between ticks
         * @return a spec with the defaults
         */
        public static JobSpec every(String name, Duration interval) {
            Checks.positive(interval, "interval");
            return new JobSpec(name, interval, interval.dividedBy(2), interval, interval, Misfire.SKIP);
        }

        /** @param d the minimum interval @return a copy with it */
        public JobSpec withMinInterval(Duration d) {
            return new JobSpec(name, interval, d, leaseTtl, initialDelay, misfire);
        }

        /** @param d the lease ttl @return a copy with it */
        public JobSpec withLeaseTtl(Duration d) {
            return new JobSpec(name, interval, minInterval, d, initialDelay, misfire);
        }

        /** @param d the initial delay @return a copy with it */
        public JobSpec withInitialDelay(Duration d) {
            return new JobSpec(name, interval, minInterval, leaseTtl, d, misfire);
        }

        /** @param m the misfire policy @return a copy with it */
        public JobSpec withMisfire(Misfire m) {
            return new JobSpec(name, interval, minInterval, leaseTtl, initialDelay, m);
        }
    }

    private final LeaseProvider leases;
    private final DelayScheduler scheduler;
    private final Executor executor;
    private final TimeSource clock;
    private final List<Scheduled> jobs = new CopyOnWriteArrayList<>();
    private volatile boolean draining;

    private PeriodicJobs(LeaseProvider leases, DelayScheduler scheduler, Executor executor, TimeSource clock) {
        this.leases = leases;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * @param leases    where job leases live (shared across replicas for the once-across guarantee)
     * @param scheduler waits between ticks
     * @param executor  runs jobs
     * @param timeSource the time source whose monotonic reading measures intervals
     * @return the scheduler
     * @throws NullPointerException if an argument is null
     */
    public static PeriodicJobs create(LeaseProvider leases, DelayScheduler scheduler, Executor executor, TimeSource timeSource) {
        return new PeriodicJobs(Checks.notNull(leases, "leases"), Checks.notNull(scheduler, "scheduler"),
                Checks.notNull(executor, "executor"), Checks.notNull(timeSource, "timeSource"));
    }

    /**
     * @param spec the schedule
     * @param job  the job
     * @return a handle with run statistics
     * @throws IllegalStateException if draining, the name is taken or {@value #MAX_JOBS} jobs exist
     */
    public Scheduled schedule(JobSpec spec, Job job) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(job, "job");
        Scheduled s;
        synchronized (jobs) {
            if (draining) {
                throw new IllegalStateException("schedule " + spec.name() + ": draining");
            }
            if (jobs.size() >= MAX_JOBS) {
                throw new IllegalStateException("jobs: " + jobs.size() + " scheduled (expected: at most " + MAX_JOBS + ")");
            }
            for (Scheduled j : jobs) {
                if (j.spec.name().equals(spec.name())) {
                    throw new IllegalStateException("job " + spec.name() + ": already scheduled");
                }
            }
            s = new Scheduled(spec, job);
            jobs.add(s);
        }
        s.start();
        return s;
    }

    @Override
    public String name() {
        return "periodic-jobs";
    }

    @Override
    public void drainSignal() {
        draining = true;
        for (Scheduled s : jobs) {
            s.cancel();
        }
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        drainSignal();
        for (Scheduled s : jobs) {
            if (!s.awaitIdle(deadline)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long inFlight() {
        return jobs.stream().filter(Scheduled::isRunning).count();
    }

    @Override
    public void forceStop() {
        for (Scheduled s : jobs) {
            s.cut();
        }
    }

    /** One scheduled job. Thread-safe. */
    public final class Scheduled {
        private final JobSpec spec;
        private final Job job;
        private long nextDue;
        private DelayScheduler.Cancellable pending;
        private Thread runner;
        private Lease current;
        private boolean cut;
        private int runs;
        private int skipped;
        private int misfires;
        private Optional<Long> lastToken = Optional.empty();

        private Scheduled(JobSpec spec, Job job) {
            this.spec = spec;
            this.job = job;
        }

        /** @return the runs on this replica */
        public synchronized int runs() {
            return runs;
        }

        /** @return ticks skipped because the lease was held elsewhere (or kept for the minimum interval) */
        public synchronized int skipped() {
            return skipped;
        }

        /** @return late ticks handled by the misfire policy */
        public synchronized int misfires() {
            return misfires;
        }

        /** @return the fencing token of the last run on this replica */
        public synchronized Optional<Long> lastFencingToken() {
            return lastToken;
        }

        private synchronized boolean isRunning() {
            return runner != null;
        }

        private synchronized void start() {
            nextDue = clock.nanoTime() + spec.initialDelay().toNanos();
            pending = scheduler.schedule(spec.initialDelay(), this::tick);
        }

        private void tick() {
            if (draining) {
                return;
            }
            Optional<Lease> lease;
            try {
                lease = leases.tryAcquire("job:" + spec.name(), spec.leaseTtl());
            } catch (LeaseStoreException e) {
                // the reason code and the store's own message: never an exception class name
                LOG.warn("job {}: lease store {}, skipping this tick: {}", spec.name(), e.reason(), e.getMessage());
                lease = Optional.empty();
            } catch (RuntimeException e) {
                LOG.warn("job {}: lease store failed, skipping this tick: {}", spec.name(), Failures.describe(e));
                lease = Optional.empty();
            }
            if (lease.isEmpty()) {
                synchronized (this) {
                    skipped++;
                }
                scheduleNext();
                return;
            }
            Lease l = lease.get();
            executor.execute(() -> run(l));
        }

        private void run(Lease lease) {
            long start = clock.nanoTime();
            synchronized (this) {
                runner = Thread.currentThread();
                current = lease;
                cut = false;
            }
            LeaseKeeper keeper = LeaseKeeper.start(lease, spec.leaseTtl(), scheduler);
            try {
                job.run(new JobContext(spec.name(), lease));
            } catch (Exception e) {
                LOG.warn("job {} failed: {}", spec.name(), Failures.describe(e));
            } finally {
                keeper.close();
                boolean wasCut;
                synchronized (this) {
                    runner = null;
                    current = null;
                    wasCut = cut;
                    runs++;
                    lastToken = Optional.of(lease.fencingToken());
                    notifyAll();
                }
                long elapsed = clock.nanoTime() - start;
                Duration keep = wasCut ? Duration.ZERO : spec.minInterval().minusNanos(elapsed);
                lease.releaseAfter(keep.isNegative() ? Duration.ZERO : keep);
            }
            scheduleNext();
        }

        private synchronized void scheduleNext() {
            if (draining) {
                return;
            }
            long interval = spec.interval().toNanos();
            long now = clock.nanoTime();
            nextDue += interval;
            if (now - nextDue > 0) {
                misfires++;
                if (spec.misfire() == Misfire.RUN_ONCE) {
                    nextDue = now;
                } else {
                    long behind = now - nextDue;
                    nextDue += (behind / interval + 1) * interval;
                }
            }
            pending = scheduler.schedule(Duration.ofNanos(nextDue - now), this::tick);
        }

        private synchronized void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }

        private synchronized boolean awaitIdle(Deadline deadline) throws InterruptedException {
            while (runner != null) {
                long left = deadline.remainingNanos();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }

        private synchronized void cut() {
            if (runner != null) {
                cut = true;
                runner.interrupt();
                if (current != null) {
                    current.releaseAfter(Duration.ZERO);
                }
            }
        }
    }
}
