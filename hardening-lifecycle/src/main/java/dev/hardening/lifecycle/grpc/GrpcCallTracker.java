package dev.hardening.lifecycle.grpc;

import dev.hardening.config.Failures;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainSignal;
import dev.hardening.lifecycle.internal.SlotRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerInterceptor} that counts the calls and streams of a gRPC server in flight, gives
 * long-lived calls a drain hook, and answers {@code UNAVAILABLE} to calls that arrive once the
 * server stopped accepting. Install it as the outermost interceptor (the last one added to the
 * {@code ServerBuilder}), then hand it to {@link GrpcServerDrain.Builder#tracker}:
 *
 * <pre>{@code
 * GrpcCallTracker calls = GrpcCallTracker.create();
 * Server server = ServerBuilder.forPort(port).addService(service).intercept(calls).build();
 * coordinator.register(GrpcServerDrain.builder(server).tracker(calls).build());
 * }</pre>
 *
 * <p>A call counts as in flight from the interceptor until gRPC reports it complete or cancelled.
 * Cost per call: one small listener object (the one any interceptor that observes the end of a
 * call allocates), one slot claim and release, and a thread-local write around the handler
 * callbacks that start work ({@code startCall}, {@code onMessage}, {@code onHalfClose}) so that
 * {@link #onDrain(Runnable)} can find the current call. Nothing per message beyond that.
 *
 * <p>At most {@code maxInFlight} calls are tracked at once; a call beyond that is answered
 * {@code UNAVAILABLE} (retry-friendly) without reaching the service.
 *
 * <p>At force stop the tracker itself closes every call still running with {@code UNAVAILABLE}
 * ({@value #CUT_DESCRIPTION}) and logs each by its full method name, before the server is stopped:
 * left to {@code Server.shutdownNow()}, the Netty transport resets such streams ({@code RST_STREAM
 * CANCEL}), which clients see as {@code CANCELLED} rather than a retryable status. Hence the
 * service's {@code ServerCall} is wrapped: its {@code sendHeaders}, {@code sendMessage} and
 * {@code close} are serialised with that cut, and whatever the service sends after the cut is
 * dropped. Thread-safe.
 */
public final class GrpcCallTracker implements ServerInterceptor {

    /** Default number of calls and streams tracked at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 16_384;

    static final Status SHUTTING_DOWN = Status.UNAVAILABLE.withDescription("server is shutting down; retry the call");
    static final Status FULL = Status.UNAVAILABLE.withDescription("too many calls in flight; retry the call");
    /** The status description of a call cut at force stop. */
    public static final String CUT_DESCRIPTION = "server stopped before the call completed; retry the call";
    static final Status CUT = Status.UNAVAILABLE.withDescription(CUT_DESCRIPTION);

    private static final Logger LOG = LoggerFactory.getLogger(GrpcCallTracker.class);
    private static final ThreadLocal<TrackedCall<?>> CURRENT = new ThreadLocal<>();
    private static final ServerCall.Listener<Object> NOOP = new ServerCall.Listener<>() { };
    /** Linked when the class is, at the first call: the drain signal links nothing on its way to the hooks. */
    private static final Predicate<TrackedCall<?>> FIRE_HOOK = TrackedCall::fireHook;
    private static final int SERVING = 0;
    private static final int DRAINING = 1;
    private static final int REJECTING = 2;

    private final SlotRegistry<TrackedCall<?>> inFlight;
    private final LongAdder activity = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile int mode = SERVING;
    private volatile Thread waiter;

    private GrpcCallTracker(int maxInFlight) {
        this.inFlight = new SlotRegistry<>(maxInFlight);
    }

    /** @return a tracker for up to {@value #DEFAULT_MAX_IN_FLIGHT} calls at once */
    public static GrpcCallTracker create() {
        return new GrpcCallTracker(DEFAULT_MAX_IN_FLIGHT);
    }

    /**
     * @param maxInFlight calls tracked at once (rounded up to a power of two); beyond it calls are
     *                    answered {@code UNAVAILABLE}
     * @return a tracker
     * @throws IllegalArgumentException if not in 1..1048576
     */
    public static GrpcCallTracker create(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > (1 << 20)) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: 1..1048576)");
        }
        return new GrpcCallTracker(maxInFlight);
    }

    /**
     * Registers a hook that runs once when shutdown starts, for the call whose handler is running
     * on this thread (call it from a service method, or from a request observer's
     * {@code onNext}). If shutdown has already started the hook runs at once on this thread. The
     * hook runs on the coordinator's thread and must not block: typically it sets a flag that the
     * stream's producer reads, or completes the stream through whatever synchronisation the
     * service already uses for its {@code StreamObserver}. An exception it throws is logged and
     * ignored. A second registration for the same call replaces the first. The hook is dropped
     * when the call ends.
     *
     * @param hook what to do when shutdown starts
     * @return a handle that removes the hook
     * @throws IllegalStateException if no call tracked by a {@code GrpcCallTracker} is running on
     *                               this thread
     */
    public static DrainSignal.Registration onDrain(Runnable hook) {
        if (hook == null) {
            throw new NullPointerException("hook");
        }
        TrackedCall<?> call = CURRENT.get();
        if (call == null) {
            throw new IllegalStateException("onDrain: no tracked gRPC call on this thread "
                    + "(expected: called from a service method of a server that has a GrpcCallTracker)");
        }
        return call.setHook(hook);
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (mode == REJECTING) {
            return reject(call, SHUTTING_DOWN);
        }
        TrackedCall<ReqT> tracked = new TrackedCall<>(this);
        int slot = inFlight.claim(tracked);
        if (slot < 0) {
            return reject(call, FULL);
        }
        tracked.slot = slot;
        // Re-read the mode after publishing the slot: either the drain sees this call, or this
        // call sees REJECTING and never reaches the service.
        if (mode == REJECTING) {
            inFlight.release(slot);
            return reject(call, SHUTTING_DOWN);
        }
        GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call);
        tracked.call = guarded;
        TrackedCall<?> outer = CURRENT.get();
        CURRENT.set(tracked);
        try {
            tracked.delegate = next.startCall(guarded, headers);
        } catch (RuntimeException | Error e) {
            tracked.end();
            throw e;
        } finally {
            CURRENT.set(outer);
        }
        if (mode != SERVING) {
            activity.increment();
        }
        return tracked;
    }

    /** @return calls and streams in flight now (a scan of the slots) */
    public int inFlight() {
        return inFlight.count();
    }

    /** @return calls answered {@code UNAVAILABLE} because the server stopped accepting or was full */
    public long rejectedCount() {
        return rejected.sum();
    }

    /** @return a counter that moves whenever a call starts or ends after the drain signal */
    public long activityCount() {
        return activity.sum();
    }

    /** @return whether the drain signal was given */
    public boolean isDraining() {
        return mode != SERVING;
    }

    /**
     * Runs the drain hook of every call in flight and, from now on, of every call that registers
     * one. Called by {@link GrpcServerDrain#drainSignal()}; idempotent.
     *
     * @return how many hooks ran
     */
    int signalDrain() {
        if (mode == SERVING) {
            mode = DRAINING;
        }
        return inFlight.countWhere(FIRE_HOOK);
    }

    /**
     * Closes every call still in flight with {@code UNAVAILABLE}, logging each by its full method
     * name. Called by {@link GrpcServerDrain#forceStop()} before the server is stopped.
     *
     * @param name the participant's name, for the log lines
     * @return how many calls were cut
     */
    int cutAll(String name) {
        stopAccepting();
        int[] cut = new int[1];
        inFlight.forEach(t -> {
            GuardedCall<?, ?> c = t.call;
            if (c != null && c.cut()) {
                cut[0]++;
                LOG.warn("{}: cut {} with UNAVAILABLE at the drain deadline", name, c.getMethodDescriptor().getFullMethodName());
            }
        });
        return cut[0];
    }

    /** From now on new calls are answered {@code UNAVAILABLE}. Idempotent. */
    void stopAccepting() {
        mode = REJECTING;
    }

    /**
     * Waits until no tracked call is in flight.
     *
     * @param deadline when to give up
     * @return whether nothing is in flight
     * @throws InterruptedException if interrupted
     */
    boolean awaitIdle(Deadline deadline) throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            while (inFlight.count() > 0) {
                if (deadline.isExpired()) {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(5_000_000L, deadline.remainingNanos()));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    private <ReqT> ServerCall.Listener<ReqT> reject(ServerCall<ReqT, ?> call, Status status) {
        rejected.increment();
        try {
            call.close(status, new Metadata());
        } catch (RuntimeException e) {
            LOG.debug("closing a rejected call failed: {}", Failures.describe(e));
        }
        @SuppressWarnings("unchecked")
        ServerCall.Listener<ReqT> noop = (ServerCall.Listener<ReqT>) NOOP;
        return noop;
    }

    private void callEnded(int slot) {
        inFlight.release(slot);
        if (mode != SERVING) {
            activity.increment();
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** The per-call listener: forwards to the service's listener and reports the end of the call. */
    private static final class TrackedCall<ReqT> extends ServerCall.Listener<ReqT> {
        private static final VarHandle HOOK;
        private static final VarHandle ENDED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HOOK = l.findVarHandle(TrackedCall.class, "hook", Runnable.class);
                ENDED = l.findVarHandle(TrackedCall.class, "ended", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final GrpcCallTracker owner;
        ServerCall.Listener<ReqT> delegate;
        volatile GuardedCall<?, ?> call;
        int slot;
        @SuppressWarnings("unused") // accessed through HOOK
        private volatile Runnable hook;
        @SuppressWarnings("unused") // accessed through ENDED
        private volatile boolean ended;

        TrackedCall(GrpcCallTracker owner) {
            this.owner = owner;
        }

        DrainSignal.Registration setHook(Runnable h) {
            HOOK.setVolatile(this, h);
            if (owner.mode != SERVING) {
                fireHook();
            }
            return () -> HOOK.compareAndSet(this, h, null);
        }

        boolean fireHook() {
            Runnable h = (Runnable) HOOK.getAndSet(this, (Runnable) null);
            if (h == null) {
                return false;
            }
            try {
                h.run();
            } catch (RuntimeException e) {
                LOG.warn("gRPC drain hook failed: {}", Failures.describe(e));
            }
            return true;
        }

        void end() {
            if (ENDED.compareAndSet(this, false, true)) {
                HOOK.setVolatile(this, (Runnable) null);
                owner.callEnded(slot);
            }
        }

        @Override
        public void onMessage(ReqT message) {
            TrackedCall<?> outer = CURRENT.get();
            CURRENT.set(this);
            try {
                delegate.onMessage(message);
            } finally {
                CURRENT.set(outer);
            }
        }

        @Override
        public void onHalfClose() {
            TrackedCall<?> outer = CURRENT.get();
            CURRENT.set(this);
            try {
                delegate.onHalfClose();
            } finally {
                CURRENT.set(outer);
            }
        }

        @Override
        public void onCancel() {
            try {
                delegate.onCancel();
            } finally {
                end();
            }
        }

        @Override
        public void onComplete() {
            try {
                delegate.onComplete();
            } finally {
                end();
            }
        }

        @Override
        public void onReady() {
            delegate.onReady();
        }
    }

    /**
     * The service's view of its call: forwards to gRPC's, serialising the service's sends and close
     * with {@link #cut()}, after which whatever the service sends is dropped.
     */
    private static final class GuardedCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
        private boolean closed; // guarded by this

        GuardedCall(ServerCall<ReqT, RespT> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(RespT message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }

        /** @return whether this closed the call with {@link #CUT} (false if it was already closed) */
        synchronized boolean cut() {
            if (closed) {
                return false;
            }
            closed = true;
            try {
                super.close(CUT, new Metadata());
            } catch (RuntimeException e) {
                LOG.debug("closing a call at force stop failed: {}", Failures.describe(e));
            }
            return true;
        }
    }
}
