package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.DrainParticipants;
import dev.hardening.lifecycle.Halter;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The drain budget and the watchdog across Boot's own shutdown, which runs in Boot's shutdown hook
 * (no second hook). Shutdown begins with Spring's {@link ContextClosedEvent}; from then on:
 * <ol>
 *   <li>every {@link ThreadPoolTaskScheduler} starts no new run ({@code @Scheduled} periodic and
 *       delayed tasks are dropped; a run in progress continues);</li>
 *   <li>Boot's phases run as usual: the shutdown delay, then the web server's graceful stop; the
 *       {@link ThreadPoolTaskExecutor}s keep accepting work meanwhile (requests still being served
 *       may hand work to {@code @Async} methods), because {@link #PHASE} is below the web server's
 *       graceful-shutdown phase;</li>
 *   <li>in {@link #PHASE} the requests still in flight ({@link HttpRequestDrain}, {@code http}), the
 *       executors and the schedulers are drained by a hardening-lifecycle {@link ShutdownCoordinator}
 *       (not installed: no signal handling, no hook) until the deadline
 *       {@code shutdown start + delay + drain timeout}; work still running then is cut (requests
 *       answered 503, executors interrupted) before Boot stops the web server, and the shutdown
 *       report ({@code http=FINISHED}, {@code http=CUT}, one outcome per participant), which the
 *       coordinator logs, decides {@link #exitCode()};</li>
 *   <li>if the context is still closing when the whole budget (delay + drain timeout +
 *       {@link #SLACK}) has passed — a bean's destroy method or a lifecycle stop that hangs — the
 *       watchdog logs which executors still have work and halts the JVM with
 *       {@link ShutdownReport#EXIT_WATCHDOG}.</li>
 * </ol>
 * The executors are the application's; {@code ExecutorsJoinTheDrain} sets them to accept tasks after
 * the close begins so that Spring's own early shutdown does not refuse work while requests are still
 * served. Thread-safe.
 */
public final class BootDrain implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, StartupCheck {

    /** After Boot's graceful web-server stop ({@code DEFAULT_PHASE - 1024}), before the web server is stopped ({@code - 2048}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;
    /** Added to delay + drain timeout for the watchdog: the time Spring needs to destroy beans. */
    public static final Duration SLACK = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(BootDrain.class);

    private final ConfigurableApplicationContext context;
    private final Duration shutdownDelay;
    private final Duration drainTimeout;
    private final boolean drainExecutors;
    private final boolean watchdog;
    private final DelayScheduler scheduler;
    private final Halter halter;
    private final TimeSource time;
    private final List<ShutdownListener> listeners;
    private final Optional<HttpRequestDrain> http;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Map<String, ThreadPoolExecutor> executors = new LinkedHashMap<>();
    private final Map<String, ScheduledThreadPoolExecutor> schedulers = new LinkedHashMap<>();
    private volatile long startNanos;
    private volatile boolean running;
    private volatile ShutdownReport report;

    /**
     * @param context        the application context being drained
     * @param shutdownDelay  Boot's shutdown delay (readiness 503 to the web server's graceful stop)
     * @param drainTimeout   how long in-flight work may take after the delay
     * @param drainExecutors whether the executors and schedulers are drained
     * @param watchdog       whether an overrun halts the JVM
     * @param scheduler      what measures the watchdog's budget
     * @param halter         what halts the JVM
     * @param time           the clock of the drain deadline
     * @param listeners      told how the drain ended (meters)
     * @param http           the requests in flight, when the application serves HTTP
     */
    public BootDrain(ConfigurableApplicationContext context, Duration shutdownDelay, Duration drainTimeout,
                     boolean drainExecutors, boolean watchdog, DelayScheduler scheduler, Halter halter, TimeSource time,
                     List<ShutdownListener> listeners, Optional<HttpRequestDrain> http) {
        this.context = context;
        this.shutdownDelay = shutdownDelay;
        this.drainTimeout = drainTimeout;
        this.drainExecutors = drainExecutors;
        this.watchdog = watchdog;
        this.scheduler = scheduler;
        this.halter = halter;
        this.time = time;
        this.listeners = List.copyOf(listeners);
        this.http = http;
    }

    /** @return the whole budget the watchdog enforces: delay + drain timeout + {@link #SLACK} */
    public Duration totalBudget() {
        return shutdownDelay.plus(drainTimeout).plus(SLACK);
    }

    /** @return the report of the drain, once it ran */
    public Optional<ShutdownReport> report() {
        return Optional.ofNullable(report);
    }

    /**
     * @return the process's exit status after the close: {@link ShutdownReport#EXIT_DRAINED} when
     *     everything drained (or there was nothing to drain), {@link ShutdownReport#EXIT_CUT} when work was cut
     */
    public int exitCode() {
        ShutdownReport r = report;
        return r == null ? ShutdownReport.EXIT_DRAINED : r.exitCode();
    }

    /**
     * {@code HL-D004}, as hardening-lifecycle's coordinator words it: the participants the close will
     * drain — the HTTP requests and the application's executors and schedulers as they exist when
     * the report is built (before the web server listens).
     */
    @Override
    public List<Finding> findings(AppEnvironment environment) {
        List<String> names = new ArrayList<>();
        http.ifPresent(h -> names.add(h.name()));
        if (drainExecutors) {
            for (String bean : context.getBeanFactory().getBeanNamesForType(ThreadPoolTaskExecutor.class, false, false)) {
                names.add(participantName("executor", bean));
            }
            for (String bean : context.getBeanFactory().getBeanNamesForType(ThreadPoolTaskScheduler.class, false, false)) {
                names.add(participantName("scheduler", bean));
            }
        }
        if (names.isEmpty()) {
            return List.of(Finding.warn("HL-D004", "IX. Disposability", "drain participants",
                    "nothing registered: in-flight work will not be drained", "serve HTTP through the web server, "
                            + "or keep hardening.lifecycle.drain-executors on"));
        }
        return List.of(Finding.pass("HL-D004", "IX. Disposability", "drain participants",
                names.size() + " registered (" + String.join(", ", names) + "); drained within " + drainTimeout
                        + " after the " + shutdownDelay + " shutdown delay", ""));
    }

    @Override
    public synchronized void start() {
        if (drainExecutors) {
            executors.clear();
            schedulers.clear();
            context.getBeanFactory().getBeansOfType(ThreadPoolTaskExecutor.class, false, false).forEach((name, e) -> {
                try {
                    executors.put(participantName("executor", name), e.getThreadPoolExecutor());
                } catch (IllegalStateException notInitialized) {
                    LOG.debug("executor {} is not initialized: not drained", name);
                }
            });
            context.getBeanFactory().getBeansOfType(ThreadPoolTaskScheduler.class, false, false).forEach((name, s) -> {
                try {
                    schedulers.put(participantName("scheduler", name), s.getScheduledThreadPoolExecutor());
                } catch (IllegalStateException notInitialized) {
                    LOG.debug("scheduler {} is not initialized: not drained", name);
                }
            });
        }
        running = true;
    }

    static String participantName(String kind, String bean) {
        String cleaned = bean.replaceAll("[^A-Za-z0-9._:-]", "_");
        String name = kind + ":" + cleaned;
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != context || !closing.compareAndSet(false, true)) {
            return;
        }
        startNanos = time.nanoTime();
        if (watchdog) {
            scheduler.schedule(totalBudget(), this::watchdogCheck);
        }
        Map<String, ScheduledThreadPoolExecutor> stopping;
        synchronized (this) {
            stopping = new LinkedHashMap<>(schedulers);
        }
        stopping.forEach((name, s) -> {
            s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
            s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            s.shutdown();
            LOG.info("shutdown: {} starts no new runs", name);
        });
    }

    private void watchdogCheck() {
        if (!context.isActive()) {
            return;
        }
        List<String> busy = new ArrayList<>();
        synchronized (this) {
            executors.forEach((name, e) -> {
                if (e.getActiveCount() > 0) {
                    busy.add(name);
                }
            });
            schedulers.forEach((name, s) -> {
                if (s.getActiveCount() > 0) {
                    busy.add(name);
                }
            });
        }
        LOG.error("shutdown: still closing after the whole budget of {}; work still running: {}; halting with status {}",
                totalBudget(), busy.isEmpty() ? "none in the executors (a lifecycle stop or destroy method hangs)" : busy,
                ShutdownReport.EXIT_WATCHDOG);
        for (ShutdownListener l : listeners) {
            try {
                l.watchdogFired(totalBudget(), ShutdownReport.EXIT_WATCHDOG);
            } catch (RuntimeException e) {
                LOG.warn("shutdown listener failed on the watchdog");
            }
        }
        halter.halt(ShutdownReport.EXIT_WATCHDOG);
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public void stop(Runnable callback) {
        try {
            Map<String, ThreadPoolExecutor> e;
            Map<String, ScheduledThreadPoolExecutor> s;
            synchronized (this) {
                e = new LinkedHashMap<>(executors);
                s = new LinkedHashMap<>(schedulers);
            }
            if (http.isPresent() || !e.isEmpty() || !s.isEmpty()) {
                report = drain(e, s);
            }
        } finally {
            running = false;
            callback.run();
        }
    }

    private ShutdownReport drain(Map<String, ThreadPoolExecutor> e, Map<String, ScheduledThreadPoolExecutor> s) {
        long began = closing.get() ? startNanos : time.nanoTime();
        Duration elapsed = Duration.ofNanos(Math.max(0, time.nanoTime() - began));
        Duration left = shutdownDelay.plus(drainTimeout).minus(elapsed);
        ShutdownCoordinator.Builder b = ShutdownCoordinator.builder()
                .shutdownDelay(Duration.ZERO)
                .drainTimeout(left.isNegative() ? Duration.ZERO : left)
                .halter(halter)
                .timeSource(time);
        if (!listeners.isEmpty()) {
            b.listener(new ShutdownListener() {
                @Override
                public void finished(ShutdownReport finished) {
                    for (ShutdownListener l : listeners) {
                        l.finished(finished);
                    }
                }

                @Override
                public void watchdogFired(Duration budget, int status) {
                    for (ShutdownListener l : listeners) {
                        l.watchdogFired(budget, status);
                    }
                }
            });
        }
        ShutdownCoordinator coordinator = b.build();
        http.ifPresent(coordinator::register);
        e.forEach((name, executor) -> coordinator.register(DrainParticipants.executor(name, executor)));
        s.forEach((name, executor) -> coordinator.register(DrainParticipants.executor(name, executor)));
        ShutdownReport r = coordinator.shutdown();
        if (!r.fullyDrained()) {
            LOG.warn("shutdown: work still running at the drain deadline was cut: {}", r.cut());
        }
        return r; // the coordinator has logged r.render() (shutdown drained / cut work; outcomes: http=…)
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
