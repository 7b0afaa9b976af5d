package dev.hardening.lifecycle.grpc;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import io.grpc.Server;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains an {@link io.grpc.Server}:
 *
 * <ol>
 *   <li>Drain signal: the gRPC health service turns {@code NOT_SERVING} for good (with
 *       {@linkplain Builder#healthStatus a health binding}) and every call that registered a
 *       {@linkplain GrpcCallTracker#onDrain(Runnable) drain hook} gets it, so streams can finish
 *       early. Calls are still served.</li>
 *   <li>Stop accepting: {@link Server#shutdown()} (listeners close, HTTP/2 {@code GOAWAY} on
 *       open connections) and, with a {@linkplain Builder#tracker tracker}, any call that still
 *       reaches the server is answered {@code UNAVAILABLE} so the client can retry elsewhere.</li>
 *   <li>Drain: {@link Server#awaitTermination(long, TimeUnit)} within the deadline; in-flight
 *       calls and streams keep running.</li>
 *   <li>Force stop: with a tracker, every call still running is closed with {@code UNAVAILABLE}
 *       and logged by its full method name, and the trailers get up to
 *       {@value #CUT_FLUSH_MILLIS} ms to leave; then {@link Server#shutdownNow()}. Without a tracker
 *       the calls are left to {@code shutdownNow()}: the in-process transport reports them as
 *       {@code UNAVAILABLE}, but Netty resets their streams, which clients see as
 *       {@code CANCELLED} (verified over real sockets).</li>
 * </ol>
 *
 * <p>Without a tracker {@link #inFlight()} is unknown ({@code -1}) until the server terminates.
 * Thread-safe.
 */
public final class GrpcServerDrain implements DrainParticipant {

    /** Longest wait at force stop for the {@code UNAVAILABLE} trailers of cut calls to be written. */
    static final long CUT_FLUSH_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(GrpcServerDrain.class);

    private final String name;
    private final Server server;
    private final GrpcCallTracker tracker;
    private final GrpcHealthStatus healthStatus;

    private GrpcServerDrain(Builder b) {
        this.name = b.name;
        this.server = b.server;
        this.tracker = b.tracker;
        this.healthStatus = b.healthStatus;
    }

    /**
     * @param server the server to drain (built with the tracker's interceptor, if any)
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
        if (healthStatus != null) {
            healthStatus.shutdown();
        }
        if (tracker != null) {
            int n = tracker.signalDrain();
            if (n > 0) {
                LOG.info("{}: drain signal sent to {} call(s)", name, n);
            }
        }
    }

    @Override
    public void stopAccepting() {
        if (tracker != null) {
            tracker.stopAccepting();
        }
        server.shutdown();
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        stopAccepting(); // idempotent; covers a caller that skipped the phase
        if (tracker != null && !tracker.awaitIdle(deadline)) {
            return false;
        }
        return server.awaitTermination(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long inFlight() {
        if (tracker != null) {
            return tracker.inFlight();
        }
        return server.isTerminated() ? 0 : -1;
    }

    @Override
    public long activityCount() {
        return tracker == null ? 0 : tracker.activityCount();
    }

    @Override
    public void forceStop() {
        if (tracker != null) {
            int cut = tracker.cutAll(name);
            if (cut > 0) {
                LOG.warn("{}: {} call(s) cut with UNAVAILABLE at force stop", name, cut);
                try {
                    tracker.awaitIdle(Deadline.after(java.time.Duration.ofMillis(CUT_FLUSH_MILLIS)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        server.shutdownNow();
    }

    /** Builds a {@link GrpcServerDrain}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}. Not thread-safe. */
    public static final class Builder {
        private final Server server;
        private String name;
        private GrpcCallTracker tracker;
        private GrpcHealthStatus healthStatus;

        private Builder(Server server) {
            this.server = server;
        }

        /**
         * @param n report name; default {@code grpc}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
            return this;
        }

        /**
         * @param t the interceptor installed on the server: in-flight counts, drain hooks and
         *          {@code UNAVAILABLE} for late calls. Default: none
         * @return this
         */
        public Builder tracker(GrpcCallTracker t) {
            tracker = Checks.setOnce(tracker, t, "tracker");
            return this;
        }

        /**
         * @param h the gRPC health service binding, turned {@code NOT_SERVING} at the drain signal.
         *          Default: none
         * @return this
         */
        public Builder healthStatus(GrpcHealthStatus h) {
            healthStatus = Checks.setOnce(healthStatus, h, "healthStatus");
            return this;
        }

        /** @return the drain participant */
        public GrpcServerDrain build() {
            if (name == null) {
                name = "grpc";
            }
            return new GrpcServerDrain(this);
        }
    }
}
