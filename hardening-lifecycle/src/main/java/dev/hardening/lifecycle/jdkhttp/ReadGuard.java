package dev.hardening.lifecycle.jdkhttp;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.jetty.ListenerClose;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The read deadlines, around every handler of a {@link HardenedHttpServer}.
 *
 * <ul>
 *   <li><b>Head deadline</b>: once a byte of a request head has arrived, the head must be complete
 *       within the head timeout, or the connection gets a 408 problem and is closed. Heads are
 *       parsed without a thread (Jetty's selector), so a slow head costs memory, not a thread; the
 *       deadline bounds how long. Checked every head timeout, so a slow head is cut within twice
 *       the timeout. A connection that sends nothing is left to the idle timeout.</li>
 *   <li><b>Body deadline</b>: a request body is read without a thread, into a buffer of at most
 *       {@code maxBodyBytes}, and must be complete within the body timeout (408 otherwise);
 *       only then does the handler run, on a pool thread, reading from memory. A larger body is
 *       413; more than {@code maxConcurrentBodyReads} bodies arriving at once are 503.</li>
 * </ul>
 *
 * <p>It also counts requests in flight, and holds requests that start while the listener is about
 * to close, for {@link HardenedHttpServer#stop(int)}. Thread-safe.
 */
final class ReadGuard extends Handler.Wrapper {

    private final long headTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final int maxBodyBytes;
    private final Semaphore bodySlots;
    private final TimeSource time;
    /** One entry per open connection: bounded by the connector's connection limit. */
    private final Map<Connection, HeadWatch> watches = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Runnable onIdle;
    private volatile Scheduler scheduler;
    /** Holds requests that start while the listener is about to close (see {@link ListenerClose}). */
    final ListenerClose closing = ListenerClose.create();

    ReadGuard(HardenedHttpServer.Builder b, TimeSource time, Runnable onIdle) {
        this.headTimeoutNanos = b.headTimeout().toNanos();
        this.bodyTimeoutNanos = b.bodyTimeout().toNanos();
        this.maxBodyBytes = b.maxBodyBytes();
        this.bodySlots = new Semaphore(b.maxConcurrentBodyReads());
        this.time = time;
        this.onIdle = onIdle;
    }

    void scheduler(Scheduler s) {
        this.scheduler = s;
    }

    long inFlight() {
        return inFlight.get();
    }

    // ---- connections: the head deadline ----

    /** Tracks each connection of the connector (added to it as an event listener). */
    final Connection.Listener connections = new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
            HeadWatch w = new HeadWatch(connection);
            watches.put(connection, w);
            w.awaitHead(0);
        }

        @Override
        public void onClosed(Connection connection) {
            HeadWatch w = watches.remove(connection);
            if (w != null) {
                w.closed = true;
            }
        }
    };

    private final class HeadWatch implements Runnable {
        private final Connection connection;
        private boolean inRequest;
        private long mark;
        private long since;
        private long idleSince;
        /** Whether a check is scheduled; at most one per connection, not one per request. */
        private boolean pending;
        private volatile boolean closed;

        HeadWatch(Connection connection) {
            this.connection = connection;
        }

        synchronized void requestStarted() {
            inRequest = true;
        }

        synchronized void awaitHead(long bytesIn) {
            inRequest = false;
            mark = bytesIn;
            since = time.nanoTime();
            idleSince = since;
            schedule(headTimeoutNanos);
        }

        /** @return whether a request is being read or handled, or the connection became idle only just now */
        synchronized boolean busy(long now, long lingerNanos, long firstRequestNanos) {
            long wait = connection.getMessagesIn() == 0 ? firstRequestNanos : lingerNanos;
            return inRequest || connection.getBytesIn() > mark || now - idleSince < wait;
        }

        /**
         * Schedules the check unless one is already pending: a pending check fires no later than
         * this one would (every check is scheduled at most a head timeout ahead) and reschedules
         * itself for the rest of the current deadline, so one timer per connection suffices. A
         * timer per request filled the scheduler's queue with one entry per request of the last
         * head timeout (200,000 at 20,000 requests a second), each costing a heap insertion and
         * removal on the scheduler thread.
         */
        private void schedule(long nanos) {
            Scheduler s = scheduler;
            if (s != null && !closed && !pending) {
                s.schedule(this, nanos, TimeUnit.NANOSECONDS);
                pending = true;
            }
        }

        @Override
        public void run() {
            boolean cut;
            synchronized (this) {
                pending = false;
                if (closed || inRequest) {
                    return;
                }
                long waited = time.nanoTime() - since;
                if (waited < headTimeoutNanos) {
                    schedule(headTimeoutNanos - waited);
                    return;
                }
                cut = connection.getBytesIn() > mark;
                if (!cut) {
                    // nothing sent yet: an idle keep-alive connection, the idle timeout's business
                    since = time.nanoTime();
                    schedule(headTimeoutNanos);
                    return;
                }
                closed = true;
            }
            refuse(connection.getEndPoint(), 408);
        }
    }

    /** Writes a complete problem response straight to the connection, then closes it. */
    private void refuse(EndPoint endPoint, int status) {
        Runnable close = () -> {
            endPoint.shutdownOutput();
            Scheduler s = scheduler;
            if (s != null) {
                // let the client read the answer before the socket closes under it
                s.schedule(endPoint::close, 1, TimeUnit.SECONDS);
            } else {
                endPoint.close();
            }
        };
        endPoint.write(Callback.from(close, x -> endPoint.close()), Problems.rawResponse(status));
    }

    /**
     * @param lingerNanos how long a connection must have been idle to count as quiet
     * @param firstRequestNanos how long a connection that has not sent a request yet (a client that
     *     has just connected) is waited for, from when it opened
     * @return whether no open connection has a request in progress, only just finished one, or is
     *     new and still expected to send its first
     */
    boolean quiet(long lingerNanos, long firstRequestNanos) {
        long now = time.nanoTime();
        for (HeadWatch w : watches.values()) {
            if (!w.closed && w.busy(now, lingerNanos, firstRequestNanos)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether any connection is open */
    boolean connectionsOpen() {
        return !watches.isEmpty();
    }

    // ---- requests: in-flight count and the body deadline ----

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        HeadWatch watch = watches.get(connection);
        if (watch != null) {
            watch.requestStarted();
        }
        inFlight.incrementAndGet();
        Callback done = Callback.from(() -> ended(watch, connection), callback);
        if (closing.holding() && closing.defer(() -> proceed(request, response, done), done)) {
            return true; // answered once the listener has closed
        }
        return proceed(request, response, done);
    }

    private boolean proceed(Request request, Response response, Callback done) {
        long length = request.getLength();
        boolean body = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (!body) {
            return next(request, response, done);
        }
        if (length > maxBodyBytes) {
            Problems.write(request, response, done, 413, true);
            return true;
        }
        if (!bodySlots.tryAcquire()) {
            Problems.write(request, response, done, 503, true);
            return true;
        }
        new BodyReader(request, response, done, length).start();
        return true;
    }

    private boolean next(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Problems.write(request, response, callback, 404, false);
            }
        } catch (Throwable x) {
            // the handler's exception never reaches the client: a bare 500 problem
            if (!response.isCommitted()) {
                Problems.write(request, response, callback, 500, true);
            } else {
                callback.failed(x);
            }
        }
        return true;
    }

    private void ended(HeadWatch watch, Connection connection) {
        closing.requestEnded();
        if (watch != null) {
            watch.awaitHead(connection.getBytesIn());
        }
        if (inFlight.decrementAndGet() == 0) {
            onIdle.run();
        }
    }

    /** Reads a body without holding a thread, then hands the handler a request that reads from memory. */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ByteArrayOutputStream buffer;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile Scheduler.Task timer;

        BodyReader(Request request, Response response, Callback callback, long length) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.buffer = new ByteArrayOutputStream(length > 0 ? (int) length : 1024);
        }

        void start() {
            Scheduler s = scheduler;
            if (s != null) {
                timer = s.schedule(() -> reject(408), bodyTimeoutNanos, TimeUnit.NANOSECONDS);
            }
            run();
        }

        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
            bodySlots.release();
            return true;
        }

        private void reject(int status) {
            if (finish()) {
                Problems.write(request, response, callback, status, true);
            }
        }

        @Override
        public void run() {
            while (!finished.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // a malformed body (bad chunk size, early end) or a closed connection
                    reject(400);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (buffer.size() + bytes.remaining() > maxBodyBytes) {
                    chunk.release();
                    reject(413);
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                buffer.write(copy, 0, copy.length);
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    if (finish()) {
                        next(new BufferedRequest(request, buffer.toByteArray()), response, callback);
                    }
                    return;
                }
            }
        }
    }

    /** The request as the handler sees it once its body is in memory. */
    private static final class BufferedRequest extends Request.Wrapper {
        private Content.Chunk content;

        BufferedRequest(Request wrapped, byte[] body) {
            super(wrapped);
            this.content = Content.Chunk.from(ByteBuffer.wrap(body), true);
        }

        @Override
        public synchronized Content.Chunk read() {
            Content.Chunk c = content;
            content = Content.Chunk.EOF;
            return c;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public boolean consumeAvailable() {
            return true;
        }
    }
}
