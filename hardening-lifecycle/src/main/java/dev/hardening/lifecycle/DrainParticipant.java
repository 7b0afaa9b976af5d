package dev.hardening.lifecycle;

/**
 * Something the {@link ShutdownCoordinator} drains: a server, an executor, a client, a worker
 * pool. The coordinator calls, in this order and each at most once: {@link #drainSignal()} as
 * soon as shutdown starts, {@link #stopAccepting()} when the keep-serving delay is over,
 * {@link #drain(Deadline)} for in-flight work to finish (all participants in parallel), and
 * {@link #forceStop()} only if {@code drain} returned {@code false}, threw, or did not return by
 * its deadline.
 *
 * <p>Implementations must be thread-safe: {@link #inFlight()} may be called from any thread at any
 * time, and {@code forceStop} may run while {@code drain} is still blocked on another thread.
 * Ready-made adapters: {@link DrainParticipants} (executors, any {@link AutoCloseable}) and
 * {@code dev.hardening.lifecycle.jdkhttp.HttpServerDrain}.
 */
public interface DrainParticipant {

    /** @return a short stable name used in logs and the shutdown report, such as {@code http} */
    String name();

    /**
     * Shutdown has started: keep serving, but tell long-lived work (streams, keep-alive
     * connections) to wind down. Must not block. The default does nothing.
     */
    default void drainSignal() {
    }

    /**
     * Stop taking new work (close listeners, reject submissions). In-flight work continues.
     * Should return quickly; the default does nothing.
     */
    default void stopAccepting() {
    }

    /**
     * Waits for in-flight work to finish.
     *
     * @param deadline when to give up; implementations should return {@code false} by then
     * @return {@code true} if nothing is left in flight, {@code false} if work remains
     * @throws InterruptedException if interrupted while waiting
     */
    boolean drain(Deadline deadline) throws InterruptedException;

    /** @return units of work in flight now, or {@code -1} when unknown */
    long inFlight();

    /**
     * Cuts whatever is still in flight, preferably with a retry-friendly error (HTTP 503 with
     * {@code Connection: close}, gRPC {@code UNAVAILABLE}), and releases resources. Should return
     * quickly; it runs under its own deadline.
     */
    void forceStop();

    /**
     * A counter that increases whenever a unit of work starts or ends after {@link #drainSignal()};
     * the coordinator's quiet period restarts when it changes. The default, {@code 0}, means the
     * participant only reports through {@link #inFlight()}.
     *
     * @return a non-decreasing activity count
     */
    default long activityCount() {
        return 0;
    }
}
