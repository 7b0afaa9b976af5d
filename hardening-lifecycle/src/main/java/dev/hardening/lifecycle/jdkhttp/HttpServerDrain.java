package dev.hardening.lifecycle.jdkhttp;

import dev.hardening.config.Checks;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsExchange;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.internal.SlotRegistry;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a JDK {@link HttpServer}: tracks in-flight exchanges with a {@link Filter}, and on
 * shutdown moves through three modes.
 *
 * <ol>
 *   <li>Serving: exchanges are only tracked (a slot claim and release per request).</li>
 *   <li>After the drain signal: responses carry {@code Connection: close}, moving keep-alive
 *       clients to fresh connections (and, behind a load balancer, to other instances).</li>
 *   <li>After stop-accepting: the listener is closed; a request that still arrives on an open
 *       keep-alive connection is answered 503 with {@code Connection: close} and never reaches the
 *       handler. When nothing is in flight the server and its executor are stopped.</li>
 * </ol>
 *
 * <p>Force stop answers every exchange whose handler has not started its response with 503 and
 * {@code Connection: close}, interrupts the handler threads, closes all connections and stops the
 * executor. An exchange counts as in flight until its handler returns; a handler that hands the
 * exchange to another thread should track that work separately.
 *
 * <pre>{@code
 * HttpServerDrain drain = HttpServerDrain.builder(server).executor(pool).build();
 * drain.track(server.createContext("/", handler));
 * coordinator.register(drain);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HttpServerDrain implements DrainParticipant {

    /** Default number of exchanges that can be tracked at once; beyond it requests get 503. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerDrain.class);
    private static final int SERVING = 0;
    private static final int ANNOUNCING = 1;
    private static final int REJECTING = 2;
    private static final long POLL_NANOS = 5_000_000L;
    /** stop(delay) keeps this many seconds for the listener-closing call; it is ended early by stop(0). */
    private static final int LISTENER_STOP_SECONDS = 86_400;

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean announce;
    private final SlotRegistry<Tracked> inFlight;
    private final LongAdder activity = new LongAdder();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger rejected = new AtomicInteger();
    private final TrackingFilter filter = new TrackingFilter();
    private volatile int mode = SERVING;
    private volatile Thread waiter;

    private HttpServerDrain(Builder b) {
        this.name = b.name;
        this.server = b.server;
        this.executor = b.executor;
        this.announce = b.announceConnectionClose;
        this.inFlight = new SlotRegistry<>(b.maxInFlight);
    }

    /**
     * @param server the server to drain
     * @return a builder
     */
    public static Builder builder(HttpServer server) {
        return new Builder(Objects.requireNonNull(server, "server"));
    }

    /** @return the tracking filter; it must run before any other filter of its context */
    public Filter filter() {
        return filter;
    }

    /**
     * Puts the tracking filter first on a context.
     *
     * @param context a context of this drain's server
     * @return the context
     */
    public HttpContext track(HttpContext context) {
        context.getFilters().add(0, filter);
        return context;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void drainSignal() {
        if (announce && mode == SERVING) {
            mode = ANNOUNCING;
        }
    }

    @Override
    public void stopAccepting() {
        mode = REJECTING;
        // stop(n) closes the listener at once, then waits up to n seconds for exchanges; stop(0)
        // from drain or force ends that wait. Run it aside so this phase returns immediately.
        Thread t = new Thread(() -> server.stop(LISTENER_STOP_SECONDS), "shutdown-" + name + "-listener");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            while (inFlight.count() > 0) {
                if (deadline.isExpired()) {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(POLL_NANOS, deadline.remainingNanos()));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            waiter = null;
        }
        closeServer();
        if (executor != null) {
            executor.shutdown();
            return executor.awaitTermination(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        }
        return true;
    }

    @Override
    public long inFlight() {
        return inFlight.count();
    }

    @Override
    public long activityCount() {
        return activity.sum();
    }

    /** @return how many requests were answered 503 because they arrived after listeners closed */
    public int rejectedCount() {
        return rejected.get();
    }

    @Override
    public void forceStop() {
        int[] cut = new int[1];
        inFlight.forEach(t -> {
            if (t.force()) {
                cut[0]++;
            }
        });
        if (cut[0] > 0) {
            LOG.warn("{}: {} request(s) cut with 503 at force stop", name, cut[0]);
        }
        closeServer();
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void closeServer() {
        if (stopped.compareAndSet(false, true)) {
            mode = REJECTING;
            server.stop(0);
        }
    }

    private void exchangeEnded() {
        activity.increment();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    private void reject(HttpExchange exchange) {
        rejected.incrementAndGet();
        try {
            Tracked.sendUnavailable(exchange);
        } catch (IOException | RuntimeException e) {
            exchange.close();
        }
    }

    private final class TrackingFilter extends Filter {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            if (mode == REJECTING) {
                reject(exchange);
                return;
            }
            HttpExchange wrapped;
            Tracked tracked;
            if (exchange instanceof HttpsExchange) {
                TrackedHttpsExchange w = new TrackedHttpsExchange((HttpsExchange) exchange);
                wrapped = w;
                tracked = w.t;
            } else {
                TrackedExchange w = new TrackedExchange(exchange);
                wrapped = w;
                tracked = w.t;
            }
            int slot = inFlight.claim(tracked);
            if (slot < 0) {
                reject(exchange);
                return;
            }
            try {
                // Re-read the mode after publishing the slot: either the drain sees this slot, or
                // this exchange sees REJECTING and never reaches the handler.
                int m = mode;
                if (m == REJECTING) {
                    reject(exchange);
                    return;
                }
                if (m == ANNOUNCING) {
                    exchange.getResponseHeaders().set("Connection", "close");
                    activity.increment();
                }
                chain.doFilter(wrapped);
            } finally {
                inFlight.release(slot);
                if (mode != SERVING) {
                    exchangeEnded();
                }
            }
        }

        @Override
        public String description() {
            return "hardening drain tracking (" + name + ")";
        }
    }

    /**
     * Builds an {@link HttpServerDrain}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}; unset options take their documented defaults. Not thread-safe.
     */
    public static final class Builder {
        private final HttpServer server;
        private String name;
        private ExecutorService executor;
        private Boolean announceConnectionClose;
        private Integer maxInFlight;

        private Builder(HttpServer server) {
            this.server = server;
        }

        /**
         * @param n report name; default {@code http}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
            return this;
        }

        /**
         * @param e the server's executor, stopped after the server (never before: requests still
         *          arriving on keep-alive connections need it to be answered 503)
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder executor(ExecutorService e) {
            executor = Checks.setOnce(executor, e, "executor");
            return this;
        }

        /**
         * @param on whether responses carry {@code Connection: close} from the drain signal on;
         *           default {@code true}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder announceConnectionClose(boolean on) {
            announceConnectionClose = Checks.setOnce(announceConnectionClose, on, "announceConnectionClose");
            return this;
        }

        /**
         * @param max exchanges tracked at once (rounded up to a power of two); beyond it requests get 503.
         *            Default {@value #DEFAULT_MAX_IN_FLIGHT}
         * @return this
         * @throws IllegalArgumentException if not in 1..1048576
         * @throws IllegalStateException    if already set
         */
        public Builder maxInFlight(int max) {
            Checks.inRange(max, 1, 1 << 20, "maxInFlight");
            maxInFlight = Checks.setOnce(maxInFlight, max, "maxInFlight");
            return this;
        }

        /** @return the drain participant */
        public HttpServerDrain build() {
            if (name == null) {
                name = "http";
            }
            if (announceConnectionClose == null) {
                announceConnectionClose = true;
            }
            if (maxInFlight == null) {
                maxInFlight = DEFAULT_MAX_IN_FLIGHT;
            }
            return new HttpServerDrain(this);
        }
    }
}
