package dev.hardening.lifecycle.servlet;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.internal.SlotRegistry;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks the requests of a Servlet application with a {@link Filter} and drains them:
 *
 * <ol>
 *   <li>Serving: requests are only counted (a slot claim and release per request).</li>
 *   <li>After the drain signal: responses carry {@code Connection: close}, moving keep-alive
 *       clients to fresh connections (and, behind a load balancer, to other instances).</li>
 *   <li>After stop-accepting: a request that still arrives is answered 503 with
 *       {@code Connection: close} and {@code Retry-After: 0} and never reaches the application.
 *       {@link #drain(Deadline)} waits until no request is in flight.</li>
 * </ol>
 *
 * <p>A request counts as in flight from the filter until its dispatch returns or, for an
 * asynchronous request, until its {@link jakarta.servlet.AsyncContext} completes (a listener
 * re-registers itself if the application starts async again). Only {@code REQUEST} dispatches are
 * counted; the filter passes {@code ASYNC}, {@code FORWARD}, {@code INCLUDE} and {@code ERROR}
 * dispatches through. A filter cannot cut requests: {@link #forceStop()} only makes sure new
 * requests are refused; stopping the container (for Jetty, {@code JettyServerDrain}) closes the
 * connections that remain.
 *
 * <pre>{@code
 * ServletDrain drain = ServletDrain.builder().build();
 * context.addFilter(new FilterHolder(drain.filter()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * coordinator.register(drain);
 * }</pre>
 *
 * <p>Map the filter first, for every path, on {@code REQUEST} dispatches (adding {@code ASYNC}
 * does no harm). Thread-safe.
 */
public final class ServletDrain implements DrainParticipant {

    /** Default number of requests tracked at once; beyond it requests get 503. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(ServletDrain.class);
    private static final int SERVING = 0;
    private static final int ANNOUNCING = 1;
    private static final int REJECTING = 2;
    private static final long POLL_NANOS = 5_000_000L;
    private static final byte[] SHUTTING_DOWN = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
            + "\"status\":503,\"detail\":\"server is shutting down; retry the request\"}").getBytes(StandardCharsets.UTF_8);

    private final String name;
    private final boolean announce;
    private final SlotRegistry<Object> inFlight;
    private final LongAdder activity = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final TrackingFilter filter = new TrackingFilter();
    private volatile int mode = SERVING;
    private volatile Thread waiter;

    private ServletDrain(Builder b) {
        this.name = b.name;
        this.announce = b.announceConnectionClose;
        this.inFlight = new SlotRegistry<>(b.maxInFlight);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the tracking filter; the same instance on every call */
    public Filter filter() {
        return filter;
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
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        mode = REJECTING;
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
            return true;
        } finally {
            waiter = null;
        }
    }

    @Override
    public long inFlight() {
        return inFlight.count();
    }

    @Override
    public long activityCount() {
        return activity.sum();
    }

    /** @return how many requests were answered 503 (after stop-accepting, or beyond capacity) */
    public long rejectedCount() {
        return rejected.sum();
    }

    @Override
    public void forceStop() {
        mode = REJECTING;
        int left = inFlight.count();
        if (left > 0) {
            LOG.warn("{}: {} request(s) still in flight at force stop; stopping the container cuts them", name, left);
        }
    }

    private void ended(int slot) {
        inFlight.release(slot);
        if (mode != SERVING) {
            activity.increment();
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private void reject(ServletResponse response) throws IOException {
        rejected.increment();
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        if (response instanceof HttpServletResponse) {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            http.setHeader("Connection", "close");
            http.setHeader("Retry-After", "0");
            http.setHeader("Cache-Control", "no-store");
        }
        response.setContentType("application/problem+json");
        response.setContentLength(SHUTTING_DOWN.length);
        response.getOutputStream().write(SHUTTING_DOWN);
    }

    private final class TrackingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (request.getDispatcherType() != DispatcherType.REQUEST) {
                chain.doFilter(request, response);
                return;
            }
            if (mode == REJECTING) {
                reject(response);
                return;
            }
            int slot = inFlight.claim(request);
            if (slot < 0) {
                reject(response);
                return;
            }
            boolean async = false;
            try {
                // Re-read the mode after publishing the slot: either the drain sees this slot, or
                // this request sees REJECTING and never reaches the application.
                int m = mode;
                if (m == REJECTING) {
                    reject(response);
                    return;
                }
                if (m == ANNOUNCING && response instanceof HttpServletResponse) {
                    ((HttpServletResponse) response).setHeader("Connection", "close");
                    activity.increment();
                }
                chain.doFilter(request, response);
            } finally {
                if (request.isAsyncStarted()) {
                    try {
                        request.getAsyncContext().addListener(new AsyncEnd(slot));
                        async = true;
                    } catch (IllegalStateException completedMeanwhile) {
                        async = false;
                    }
                }
                if (!async) {
                    ended(slot);
                }
            }
        }

        @Override
        public String toString() {
            return "hardening drain tracking (" + name + ")";
        }
    }

    /** Ends an asynchronous request's tracking when its AsyncContext completes. */
    private final class AsyncEnd implements AsyncListener {
        private final int slot;
        private boolean done;

        AsyncEnd(int slot) {
            this.slot = slot;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            ended(slot);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // the container completes the request after the timeout listeners ran
        }

        @Override
        public void onError(AsyncEvent event) {
            // the container completes the request after the error listeners ran
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a new async cycle drops the listeners of the previous one
            event.getAsyncContext().addListener(this);
        }
    }

    /** Builds a {@link ServletDrain}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}. Not thread-safe. */
    public static final class Builder {
        private String name;
        private Boolean announceConnectionClose;
        private Integer maxInFlight;

        private Builder() {
        }

        /**
         * @param n report name; default {@code servlet}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
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
         * @param max requests tracked at once (rounded up to a power of two); beyond it requests
         *            get 503. Default {@value #DEFAULT_MAX_IN_FLIGHT}
         * @return this
         * @throws IllegalArgumentException if not in 1..1048576
         * @throws IllegalStateException    if already set
         */
        public Builder maxInFlight(int max) {
            maxInFlight = Checks.setOnce(maxInFlight, (int) Checks.inRange(max, 1, 1 << 20, "maxInFlight"), "maxInFlight");
            return this;
        }

        /** @return the drain participant */
        public ServletDrain build() {
            if (name == null) {
                name = "servlet";
            }
            if (announceConnectionClose == null) {
                announceConnectionClose = Boolean.TRUE;
            }
            if (maxInFlight == null) {
                maxInFlight = DEFAULT_MAX_IN_FLIGHT;
            }
            return new ServletDrain(this);
        }
    }
}
