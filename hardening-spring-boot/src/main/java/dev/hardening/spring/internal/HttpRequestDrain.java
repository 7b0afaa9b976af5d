package dev.hardening.spring.internal;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The servlet requests in flight, as the drain participant {@value #NAME} of {@link BootDrain}: Boot's
 * graceful web-server stop lets them finish; what is still running at the drain deadline is cut
 * here, before Boot stops the web server (which would reset the connections): the request's thread
 * is interrupted and, once the application returns or throws on that thread, the filter answers
 * 503 with {@code Connection: close} and a problem document instead (when nothing was sent yet).
 * A request that arrives after the cut gets the same 503 without reaching the application.
 *
 * <p>Counts {@code REQUEST} dispatches from the filter until the dispatch returns; the filter runs
 * first (outermost). At most one entry per container thread, so the map is bounded by the
 * container's thread pool. Thread-safe.
 */
public final class HttpRequestDrain implements DrainParticipant {

    /** The participant's name in the shutdown report ({@code http=FINISHED}, {@code http=CUT}). */
    public static final String NAME = "http";

    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestDrain.class);
    private static final long POLL_NANOS = 5_000_000L;
    private static final long CUT_WAIT_NANOS = 500_000_000L;
    private static final byte[] CUT = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
            + "\"detail\":\"the server is shutting down; retry the request\"}").getBytes(StandardCharsets.UTF_8);

    private final Map<Thread, Boolean> inFlight = new ConcurrentHashMap<>();
    private final LongAdder activity = new LongAdder();
    private final LongAdder cutCount = new LongAdder();
    private volatile boolean cutting;
    private volatile Thread waiter;
    private final OncePerRequestFilter filter = new Filter();

    /** A drain with nothing in flight. */
    public HttpRequestDrain() {
    }

    /** @return the tracking filter, to register first (outermost) for every path */
    public OncePerRequestFilter filter() {
        return filter;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            while (!inFlight.isEmpty()) {
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
        return inFlight.size();
    }

    @Override
    public long activityCount() {
        return activity.sum();
    }

    /** @return how many requests were answered 503 because the drain deadline cut them */
    public long cutCount() {
        return cutCount.sum();
    }

    /**
     * Cuts every request still in flight: interrupts its thread so that its 503 can be written, and
     * waits up to 500 ms for those answers, so that they leave before the web server stops.
     */
    @Override
    public void forceStop() {
        cutting = true;
        int n = 0;
        for (Thread t : inFlight.keySet()) {
            inFlight.replace(t, Boolean.TRUE);
            t.interrupt();
            n++;
        }
        if (n == 0) {
            return;
        }
        LOG.warn("shutdown: {} request(s) still running at the drain deadline are cut with 503", n);
        long until = System.nanoTime() + CUT_WAIT_NANOS;
        waiter = Thread.currentThread();
        try {
            while (!inFlight.isEmpty() && System.nanoTime() - until < 0) {
                LockSupport.parkNanos(this, POLL_NANOS);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            waiter = null;
        }
    }

    private static void answerCut(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Connection", "close");
        response.setHeader("Retry-After", "0");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        response.setContentLength(CUT.length);
        response.getOutputStream().write(CUT);
        response.flushBuffer();
    }

    private final class Filter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getDispatcherType() != DispatcherType.REQUEST) {
                chain.doFilter(request, response);
                return;
            }
            if (cutting) {
                answerCut(response);
                return;
            }
            Thread self = Thread.currentThread();
            inFlight.put(self, Boolean.FALSE);
            activity.increment();
            try {
                chain.doFilter(request, response);
            } catch (IOException | ServletException | RuntimeException e) {
                if (!Boolean.TRUE.equals(inFlight.get(self))) {
                    throw e;
                }
                // cut at the drain deadline: the application saw the interrupt; answer 503 instead
            } finally {
                try {
                    if (Boolean.TRUE.equals(inFlight.get(self))) {
                        Thread.interrupted();
                        cutCount.increment();
                        answerCut(response); // before the entry goes: forceStop waits for these answers
                    }
                } finally {
                    inFlight.remove(self);
                    activity.increment();
                    if (cutting) {
                        Thread.interrupted(); // the pool's thread must not keep the cut's interrupt
                    }
                }
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }

        @Override
        protected boolean shouldNotFilterAsyncDispatch() {
            return true;
        }

        @Override
        protected boolean shouldNotFilterErrorDispatch() {
            return true;
        }
    }
}
