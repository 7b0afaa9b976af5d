package dev.hardening.lifecycle;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps background workers running: a worker that crashes is restarted after a
 * {@link RestartPolicy} backoff (full jitter, cap before jitter, reset after a stable run); more
 * restarts than the policy's intensity allows escalates — the worker stays down and
 * {@link Health#markBroken(String) liveness fails} so the orchestrator replaces the process; once
 * the supervisor drains, nothing is restarted.
 *
 * <p>As a {@link DrainParticipant}: the drain signal stops restarts and cancels pending ones,
 * {@code drain} interrupts running workers (their cue to stop) and waits for them to return, and
 * force stop interrupts them again.
 *
 * <p>Time comes from the injected {@link TimeSource} (builder option {@code timeSource}) and waits from the {@link DelayScheduler};
 * the jitter from the injected {@link RandomGenerator}. Thread-safe. At most
 * {@value #MAX_WORKERS} workers.
 */
public final class Supervisor implements DrainParticipant {

    /** The most workers one supervisor accepts. */
    public static final int MAX_WORKERS = 1024;
    /** Default report name. */
    public static final String DEFAULT_NAME = "supervisor";

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** A supervised unit of work; returning normally is a clean exit, throwing is a crash. */
    @FunctionalInterface
    public interface Worker {
        /**
         * Runs until done, interrupted or crashed.
         *
         * @throws Exception a crash
         */
        void run() throws Exception;
    }

    /** Where a worker stands. */
    public enum State {
        /** Running now. */
        RUNNING,
        /** Waiting for its restart backoff. */
        BACKING_OFF,
        /** Exited and will not be restarted (clean exit, or the supervisor drained). */
        STOPPED,
        /** Exceeded its restart intensity: down for good, liveness failed. */
        ESCALATED
    }

    private final String name;
    private final RestartPolicy policy;
    private final Health health;
    private final TimeSource clock;
    private final RandomGenerator random;
    private final DelayScheduler scheduler;
    private final Executor executor;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private volatile boolean draining;

    private Supervisor(Builder b) {
        this.name = b.name;
        this.policy = b.policy;
        this.health = b.health;
        this.clock = b.timeSource;
        this.random = b.random;
        this.scheduler = b.scheduler;
        this.executor = b.executor;
    }

    /**
     * @param scheduler runs restarts after their backoff
     * @param executor  runs workers; each worker occupies one thread while it runs
     * @return a builder
     */
    public static Builder builder(DelayScheduler scheduler, Executor executor) {
        return new Builder(Objects.requireNonNull(scheduler, "scheduler"), Objects.requireNonNull(executor, "executor"));
    }

    /**
     * Starts a worker under supervision.
     *
     * @param workerName a name for logs and {@link Child#name()}
     * @param worker     the worker; run again on each restart
     * @return the handle
     * @throws IllegalStateException if draining or {@value #MAX_WORKERS} workers are supervised
     */
    public Child supervise(String workerName, Worker worker) {
        Objects.requireNonNull(workerName, "workerName");
        Objects.requireNonNull(worker, "worker");
        Child c;
        synchronized (children) {
            if (draining) {
                throw new IllegalStateException("supervise " + workerName + ": supervisor is draining");
            }
            if (children.size() >= MAX_WORKERS) {
                throw new IllegalStateException("workers: " + children.size() + " supervised (expected: at most " + MAX_WORKERS + ")");
            }
            c = new Child(workerName, worker);
            children.add(c);
        }
        c.start();
        return c;
    }

    /** @return whether restarts have stopped for shutdown */
    public boolean isDraining() {
        return draining;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void drainSignal() {
        draining = true;
        for (Child c : children) {
            c.cancelPending();
        }
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        drainSignal();
        for (Child c : children) {
            c.interrupt();
        }
        for (Child c : children) {
            if (!c.awaitExit(deadline)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long inFlight() {
        long n = 0;
        for (Child c : children) {
            if (c.state() == State.RUNNING) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void forceStop() {
        for (Child c : children) {
            c.interrupt();
        }
    }

    /** One supervised worker. Thread-safe. */
    public final class Child {
        private final String childName;
        private final Worker worker;
        private final ArrayDeque<Long> recentRestarts = new ArrayDeque<>();
        private State state = State.RUNNING;
        private int attempt;
        private int restarts;
        private long startedAt;
        private Thread thread;
        private DelayScheduler.Cancellable pending;

        private Child(String childName, Worker worker) {
            this.childName = childName;
            this.worker = worker;
        }

        /** @return the worker's name */
        public String name() {
            return childName;
        }

        /** @return the current state */
        public synchronized State state() {
            return state;
        }

        /** @return how many times the worker was restarted */
        public synchronized int restarts() {
            return restarts;
        }

        private void start() {
            synchronized (this) {
                state = State.RUNNING;
                startedAt = clock.nanoTime();
                pending = null;
            }
            executor.execute(this::runOnce);
        }

        private void runOnce() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            Throwable failure = null;
            try {
                worker.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                synchronized (this) {
                    thread = null;
                }
            }
            exited(failure);
        }

        private synchronized void exited(Throwable failure) {
            if (draining) {
                state = State.STOPPED;
                notifyAll();
                return;
            }
            if (failure == null && policy.restart() == RestartPolicy.Restart.ON_CRASH) {
                state = State.STOPPED;
                LOG.info("worker {} exited cleanly", childName);
                notifyAll();
                return;
            }
            long now = clock.nanoTime();
            if (now - startedAt >= policy.resetAfter().toNanos()) {
                attempt = 0;
            }
            long window = policy.period().toNanos();
            recentRestarts.addLast(now);
            while (!recentRestarts.isEmpty() && now - recentRestarts.peekFirst() > window) {
                recentRestarts.removeFirst();
            }
            while (recentRestarts.size() > policy.maxRestarts() + 1) {
                recentRestarts.removeFirst();
            }
            if (recentRestarts.size() > policy.maxRestarts()) {
                state = State.ESCALATED;
                notifyAll();
                String why = "worker " + childName + " needed more than " + policy.maxRestarts() + " restarts within "
                        + policy.period();
                if (health != null) {
                    health.markBroken(why);
                } else {
                    LOG.error("{}; not restarting it", why);
                }
                return;
            }
            Duration delay = policy.backoff(attempt, random);
            attempt++;
            restarts++;
            state = State.BACKING_OFF;
            LOG.warn("worker {} {}; restart {} in {} ms", childName,
                    failure == null ? "exited" : "crashed: " + failure.getClass().getName(), restarts, delay.toMillis());
            pending = scheduler.schedule(delay, this::restart);
        }

        private void restart() {
            synchronized (this) {
                if (draining || state != State.BACKING_OFF) {
                    if (state == State.BACKING_OFF) {
                        state = State.STOPPED;
                        notifyAll();
                    }
                    return;
                }
            }
            start();
        }

        private synchronized void cancelPending() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
            if (state == State.BACKING_OFF) {
                state = State.STOPPED;
                notifyAll();
            }
        }

        private synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        private synchronized boolean awaitExit(Deadline deadline) throws InterruptedException {
            while (state == State.RUNNING) {
                long left = deadline.remainingNanos();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    /**
     * Builds a {@link Supervisor}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}; unset options take the documented defaults in
     * {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final DelayScheduler scheduler;
        private final Executor executor;
        private String name;
        private RestartPolicy policy;
        private Health health;
        private TimeSource timeSource;
        private RandomGenerator random;

        private Builder(DelayScheduler scheduler, Executor executor) {
            this.scheduler = scheduler;
            this.executor = executor;
        }

        /**
         * @param n report name; default {@value #DEFAULT_NAME}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
            return this;
        }

        /**
         * @param p the restart policy; default {@link RestartPolicy#defaults()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder policy(RestartPolicy p) {
            policy = Checks.setOnce(policy, p, "policy");
            return this;
        }

        /**
         * @param h where escalation fails liveness; without it escalation is only logged
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder health(Health h) {
            health = Checks.setOnce(health, h, "health");
            return this;
        }

        /**
         * @param t time source for run lengths and the intensity window; default {@link TimeSource#system()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource t) {
            timeSource = Checks.setOnce(timeSource, t, "timeSource");
            return this;
        }

        /**
         * @param r jitter source; default {@link ThreadLocalRandom}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder random(RandomGenerator r) {
            random = Checks.setOnce(random, r, "random");
            return this;
        }

        /** @return the supervisor */
        public Supervisor build() {
            if (name == null) {
                name = DEFAULT_NAME;
            }
            if (policy == null) {
                policy = RestartPolicy.defaults();
            }
            if (timeSource == null) {
                timeSource = TimeSource.system();
            }
            if (random == null) {
                random = new RandomGenerator() {
                    @Override
                    public long nextLong() {
                        return ThreadLocalRandom.current().nextLong();
                    }

                    @Override
                    public double nextDouble() {
                        return ThreadLocalRandom.current().nextDouble();
                    }
                };
            }
            return new Supervisor(this);
        }
    }
}
