package dev.hardening.lifecycle;

/**
 * Tells long-lived work (SSE and WebSocket streams, gRPC streaming calls, long polls) that the
 * process is draining, so it can finish early instead of being cut at the deadline. Obtain it
 * from {@link ShutdownCoordinator#drainSignal()}. Thread-safe.
 */
public interface DrainSignal {

    /** @return whether shutdown has started; a stream loop may poll this */
    boolean isDraining();

    /**
     * Registers a callback run once when shutdown starts, or right away on the calling thread if
     * it already has. The callback must not block (complete an emitter, send a final event, end
     * a gRPC call); an exception it throws is logged and ignored.
     *
     * @param onDrain the callback
     * @return a handle that unregisters the callback; close it when the stream ends
     * @throws IllegalStateException if {@link #MAX_LISTENERS} callbacks are registered
     */
    Registration onDrain(Runnable onDrain);

    /** The most callbacks registered at once. */
    int MAX_LISTENERS = 100_000;

    /** Unregisters a callback. Idempotent and thread-safe. */
    interface Registration extends AutoCloseable {
        /** Unregisters; does nothing if already closed or already run. */
        @Override
        void close();
    }
}
