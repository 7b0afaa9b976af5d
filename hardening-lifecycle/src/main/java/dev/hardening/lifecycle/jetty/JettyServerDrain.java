package dev.hardening.lifecycle.jetty;

import dev.hardening.config.Failures;
import dev.hardening.config.Checks;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.servlet.ServletDrain;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a Jetty 12 {@link Server}:
 *
 * <ol>
 *   <li>Drain signal: passed to the {@linkplain Builder#tracker servlet tracker}, whose responses
 *       then carry {@code Connection: close}.</li>
 *   <li>Stop accepting: every {@link ServerConnector}'s listening socket is closed before this
 *       phase returns ({@link ListenerClose#close(ServerConnector, java.time.Duration)}, also when
 *       the connector accepts on its selectors), then Jetty's graceful shutdown starts
 *       ({@link Graceful#shutdown(org.eclipse.jetty.util.component.Container)}): every connector
 *       closes idle keep-alive connections after its shutdown
 *       idle timeout, and a {@link GracefulHandler} (if installed) refuses new requests. A
 *       request that still arrives on an open connection is answered 503 with
 *       {@code Connection: close} by the tracker (or the {@code GracefulHandler}), or finds the
 *       connection closed: both are safe to retry.</li>
 *   <li>Drain: waits, within the deadline, until the tracker has nothing in flight (without a
 *       tracker: until Jetty's graceful shutdown completes, which needs a {@link GracefulHandler}
 *       to count requests), then stops the server with the time left as its stop timeout.</li>
 *   <li>Force stop: stops the server at once on a separate thread (no graceful wait): open
 *       connections are closed, which clients see as a reset; the thread pool is stopped.</li>
 * </ol>
 *
 * <pre>{@code
 * ServletDrain requests = ServletDrain.builder().build();
 * context.addFilter(new FilterHolder(requests.filter()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * coordinator.register(JettyServerDrain.builder(server).tracker(requests).build());
 * }</pre>
 *
 * <p>Register the tracker only through this participant, not separately. Thread-safe.
 */
public final class JettyServerDrain implements DrainParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(JettyServerDrain.class);

    private final String name;
    private final Server server;
    private final ServletDrain tracker;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile CompletableFuture<Void> graceful;

    private JettyServerDrain(Builder b) {
        this.name = b.name;
        this.server = b.server;
        this.tracker = b.tracker;
    }

    /**
     * @param server the started server to drain
     * @return a builder
     */
    public static Builder builder(Server server) {
        return new Builder(Checks.notNull(server, "server"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void drainSignal() {
        if (tracker != null) {
            tracker.drainSignal();
        }
    }

    @Override
    public synchronized void stopAccepting() {
        if (tracker != null) {
            tracker.stopAccepting();
        }
        if (graceful == null) {
            // Each listening socket is closed first, on the selector that holds it when the connector
            // accepts on its selectors (acceptors 0): there Jetty's own close takes effect only at the
            // selector's next wake-up, so a connect in between is accepted by the kernel and reset
            // later (JettyServerDrainTest). Then Jetty 12's graceful shutdown shortens the idle
            // timeout of open connections, and a GracefulHandler starts refusing requests.
            for (Connector c : server.getConnectors()) {
                if (c instanceof ServerConnector) {
                    ListenerClose.close((ServerConnector) c, ListenerClose.MAX);
                }
            }
            graceful = Graceful.shutdown(server);
        }
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        stopAccepting(); // idempotent; covers a caller that skipped the phase
        boolean idle;
        if (tracker != null) {
            idle = tracker.drain(deadline);
        } else {
            idle = awaitGraceful(deadline);
        }
        if (!idle) {
            return false;
        }
        return stopServer(deadline);
    }

    private boolean awaitGraceful(Deadline deadline) throws InterruptedException {
        try {
            graceful.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            LOG.warn("{}: graceful shutdown failed: {}", name, Failures.describe(e.getCause()));
            return false;
        }
    }

    private boolean stopServer(Deadline deadline) {
        if (!stopping.compareAndSet(false, true)) {
            return server.isStopped();
        }
        server.setStopTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos())));
        try {
            server.stop();
            return server.isStopped();
        } catch (Exception e) {
            LOG.warn("{}: stopping the server failed: {}", name, Failures.describe(e));
            return false;
        }
    }

    @Override
    public long inFlight() {
        if (tracker != null) {
            return tracker.inFlight();
        }
        for (GracefulHandler g : server.getContainedBeans(GracefulHandler.class)) {
            return g.getCurrentRequestCount();
        }
        return server.isStopped() ? 0 : -1;
    }

    @Override
    public long activityCount() {
        return tracker == null ? 0 : tracker.activityCount();
    }

    @Override
    public void forceStop() {
        if (tracker != null) {
            tracker.forceStop();
        }
        // If drain's graceful stop is still running, this stop waits for it (it ends by the drain
        // deadline); otherwise it skips Jetty's graceful wait.
        stopping.set(true);
        server.setStopTimeout(0);
        Thread t = new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("{}: force stop failed: {}", name, Failures.describe(e));
            }
        }, "shutdown-" + name + "-stop");
        t.setDaemon(true);
        t.start();
    }

    /** Builds a {@link JettyServerDrain}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}. Not thread-safe. */
    public static final class Builder {
        private final Server server;
        private String name;
        private ServletDrain tracker;

        private Builder(Server server) {
            this.server = server;
        }

        /**
         * @param n report name; default {@code jetty}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
            return this;
        }

        /**
         * @param t the request-tracking filter installed in the server's servlet contexts: its
         *          count decides when the drain is over, and it answers 503 once the server stops
         *          accepting. Default: none (then install a {@link GracefulHandler})
         * @return this
         */
        public Builder tracker(ServletDrain t) {
            tracker = Checks.setOnce(tracker, t, "tracker");
            return this;
        }

        /** @return the drain participant */
        public JettyServerDrain build() {
            if (name == null) {
                name = "jetty";
            }
            return new JettyServerDrain(this);
        }
    }
}
