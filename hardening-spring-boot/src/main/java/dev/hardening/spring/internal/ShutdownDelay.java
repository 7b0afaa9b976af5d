package dev.hardening.spring.internal;

import dev.hardening.lifecycle.DelayScheduler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The pause between readiness refusing traffic and Boot's graceful web-server stop. A
 * {@link SmartLifecycle} in {@link #PHASE}, above the web server's graceful-shutdown phase, so
 * Spring stops it first, inside Boot's own shutdown (no JVM shutdown hook of its own): on stop it
 * publishes {@link ReadinessState#REFUSING_TRAFFIC} (if Boot has not already), marks every response
 * {@code Connection: close} through {@link #filter()} so keep-alive clients move away, and lets
 * Spring continue to the web server's graceful stop only once the delay has passed, measured by a
 * {@link DelayScheduler} (no thread sleeps). Thread-safe.
 */
public final class ShutdownDelay implements SmartLifecycle {

    /** Stops before Boot's {@code WebServerGracefulShutdownLifecycle} ({@code DEFAULT_PHASE - 1024}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDelay.class);

    private final Duration delay;
    private final DelayScheduler scheduler;
    private final ApplicationEventPublisher events;
    private final List<Runnable> beforeWebServerStop = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private volatile boolean draining;

    /**
     * @param delay     how long to keep serving after readiness turns 503, zero or more
     * @param scheduler what measures the delay
     * @param events    where the readiness change is published
     */
    public ShutdownDelay(Duration delay, DelayScheduler scheduler, ApplicationEventPublisher events) {
        this.delay = delay;
        this.scheduler = scheduler;
        this.events = events;
    }

    /** @return the delay */
    public Duration delay() {
        return delay;
    }

    /** @return whether shutdown has begun (responses carry {@code Connection: close}) */
    public boolean draining() {
        return draining;
    }

    /**
     * Adds work to run when the delay is over, just before Spring goes on to the web server's
     * graceful stop (the embedded Jetty's listener close). A failure is logged and does not stop
     * the shutdown.
     *
     * @param action what to run, on the thread that ends the delay
     * @throws NullPointerException if {@code action} is null
     */
    public void beforeWebServerStop(Runnable action) {
        beforeWebServerStop.add(Objects.requireNonNull(action, "action"));
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        CountDownLatch done = new CountDownLatch(1);
        stop(done::countDown);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(Runnable callback) {
        draining = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        LOG.info("shutdown: readiness refusing traffic; web server stops gracefully in {}", delay);
        Runnable finish = () -> {
            for (Runnable action : beforeWebServerStop) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("shutdown: a step before the web server's stop failed; going on with the stop");
                }
            }
            running = false;
            callback.run();
        };
        if (delay.isZero()) {
            finish.run();
        } else {
            scheduler.schedule(delay, finish);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** @return a filter adding {@code Connection: close} to every response once shutdown has begun */
    public OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (draining) {
                    response.setHeader("Connection", "close");
                }
                chain.doFilter(request, response);
                if (draining && !response.isCommitted()) {
                    response.setHeader("Connection", "close");
                }
            }
        };
    }
}
