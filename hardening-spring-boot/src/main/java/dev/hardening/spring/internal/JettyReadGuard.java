package dev.hardening.spring.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.hardening.lifecycle.jetty.ListenerClose;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Embedded Jetty's request bodies read before the application runs, without a thread: Jetty parses
 * request heads on its selector, but a servlet reads a body with blocking calls, so each client
 * trickling a body holds a pool thread, and a few hundred of them stop every other request. This
 * handler, wrapped around the server's handler, reads each body into memory as its bytes arrive
 * (Jetty's demand callbacks: no thread waits), within a deadline, and only then lets the servlet
 * chain run on a pool thread, reading from memory.
 *
 * <ul>
 *   <li>A request head must be complete within {@code headTimeout} of its first byte (checked every
 *       {@code headTimeout}, so it is cut between once and twice that after its first byte): 408
 *       problem and the connection closed. A kept-alive connection that sends nothing is left to
 *       Jetty's idle timeout.</li>
 *   <li>A body must be complete within {@code bodyTimeout} of the head: 408 problem otherwise.</li>
 *   <li>A body larger than {@code maxBodyBytes} (by {@code Content-Length}, or as it arrives): 413.</li>
 *   <li>More than {@code maxConcurrentReads} bodies arriving at once: 503.</li>
 *   <li>A malformed body (a bad chunk size, the connection ending early): 400.</li>
 * </ul>
 *
 * <p>Requests without a body pass straight through. Each rejection is an RFC 9457 problem document
 * naming the status only, and closes the connection. Memory is bounded by
 * {@code maxConcurrentReads × maxBodyBytes}. Thread-safe.
 */
public final class JettyReadGuard extends Handler.Wrapper {

    private final long headTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long maxBodyBytes;
    private final Semaphore slots;
    /** One entry per open connection: bounded by the connections Jetty holds open. */
    private final Map<Connection, HeadWatch> watches = new ConcurrentHashMap<>();
    /** Holds requests that start while the listeners are about to close. */
    private final ListenerClose closing = ListenerClose.create();

    /**
     * @param headTimeout        how long a request head may take to arrive, from its first byte; positive
     * @param bodyTimeout        how long a body may take to arrive, from the end of its head; positive
     * @param maxBodyBytes       the largest body read; positive
     * @param maxConcurrentReads bodies read at once; positive
     * @throws IllegalArgumentException if a value is not positive
     */
    public JettyReadGuard(Duration headTimeout, Duration bodyTimeout, long maxBodyBytes, int maxConcurrentReads) {
        if (headTimeout == null || headTimeout.isNegative() || headTimeout.isZero()) {
            throw new IllegalArgumentException("headTimeout: " + headTimeout + " (expected: positive)");
        }
        if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("bodyTimeout: " + bodyTimeout + " (expected: positive)");
        }
        if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: 1 to 2^31-9)");
        }
        if (maxConcurrentReads <= 0) {
            throw new IllegalArgumentException("maxConcurrentReads: " + maxConcurrentReads + " (expected: positive)");
        }
        this.headTimeoutNanos = headTimeout.toNanos();
        this.bodyTimeoutNanos = bodyTimeout.toNanos();
        this.maxBodyBytes = maxBodyBytes;
        this.slots = new Semaphore(maxConcurrentReads);
    }

    /**
     * Wraps the server's current handler and watches the heads arriving on each of its connectors.
     *
     * @param server a server whose handler and connectors are set, not started
     */
    public void install(Server server) {
        setHandler(server.getHandler());
        server.setHandler(this);
        for (Connector connector : server.getConnectors()) {
            connector.addEventListener(connections);
        }
    }

    // ---- connections: the head deadline ----

    private final Connection.Listener connections = new Connection.Listener() {
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
                w.close();
            }
        }
    };

    private Scheduler scheduler() {
        Server server = getServer();
        return server == null ? null : server.getScheduler();
    }

    /** The head deadline of one connection: armed whenever it waits for a request head. */
    private final class HeadWatch implements Runnable {
        private final Connection connection;
        private boolean inRequest;
        private boolean closed;
        /** One task per connection at most: a request ending while one is pending does not add another. */
        private boolean armed;
        private boolean headSeen;
        private long mark;
        private long since;

        HeadWatch(Connection connection) {
            this.connection = connection;
        }

        synchronized void requestStarted() {
            inRequest = true;
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void awaitHead(long bytesIn) {
            inRequest = false;
            headSeen = false;
            mark = bytesIn;
            since = System.nanoTime();
            if (!armed) {
                schedule(headTimeoutNanos);
            }
        }

        private void schedule(long nanos) {
            Scheduler s = scheduler();
            if (s != null && !closed) {
                armed = true;
                s.schedule(this, nanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                armed = false;
                if (closed || inRequest) {
                    return; // a request ended re-arms the watch
                }
                long waited = System.nanoTime() - since;
                if (waited < headTimeoutNanos) {
                    schedule(headTimeoutNanos - waited);
                    return;
                }
                if (connection.getBytesIn() <= mark) {
                    // nothing sent since the last request: an idle connection, the idle timeout's business
                    since = System.nanoTime();
                    schedule(headTimeoutNanos);
                    return;
                }
                if (!headSeen) {
                    // the head's first byte came at some moment since the last check: give it a whole
                    // timeout from now, so no head is cut sooner than the timeout after its first byte
                    headSeen = true;
                    since = System.nanoTime();
                    schedule(headTimeoutNanos);
                    return;
                }
                closed = true;
            }
            refuse(connection.getEndPoint());
        }
    }

    /** A complete 408 problem response written straight to the connection, which then closes. */
    private void refuse(EndPoint endPoint) {
        String title = HttpStatus.getMessage(HttpStatus.REQUEST_TIMEOUT_408);
        byte[] body = Problems.json(408, title, "http_408", title).getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 408 " + title + "\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        Runnable close = () -> {
            endPoint.shutdownOutput();
            Scheduler s = scheduler();
            if (s != null) {
                s.schedule(endPoint::close, 1, TimeUnit.SECONDS); // the client reads the answer before the close
            } else {
                endPoint.close();
            }
        };
        try {
            endPoint.write(Callback.from(close, x -> endPoint.close()), out);
        } catch (RuntimeException e) {
            endPoint.close(); // a write already pending: the connection is cut without an answer
        }
    }

    // ---- closing the listeners at shutdown ----

    /**
     * Closes the listening socket of each of the server's connectors without resetting anyone
     * ({@link ListenerClose#closeListeners}): requests that start are held until no response has
     * gone out for 200 ms (at most 1 s), then the listeners close at once and the held requests
     * run. Meant for the end of the shutdown delay, before Boot's graceful stop; runs once.
     */
    public void closeListeners() {
        Server server = getServer();
        if (server != null) {
            closing.closeListeners(List.of(server.getConnectors()), server.getThreadPool(), () -> !watches.isEmpty());
        }
    }

    /** @return whether requests that start now are held until the listeners have closed (for tests) */
    public boolean holding() {
        return closing.holding();
    }

    // ---- requests: the body deadline ----

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        HeadWatch watch = watches.get(connection);
        if (watch != null) {
            watch.requestStarted();
            callback = Callback.from(() -> {
                closing.requestEnded();
                watch.awaitHead(connection.getBytesIn());
            }, callback);
        }
        Callback done = callback;
        if (closing.holding() && closing.defer(() -> proceed(request, response, done), done)) {
            return true; // answered once the listener has closed
        }
        return proceed(request, response, callback);
    }

    private boolean proceed(Request request, Response response, Callback callback) {
        long length = request.getLength();
        boolean body = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (!body) {
            next(request, response, callback);
            return true;
        }
        if (length > maxBodyBytes) {
            problem(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            return true;
        }
        if (!slots.tryAcquire()) {
            problem(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
            return true;
        }
        new BodyReader(request, response, callback, length).start();
        return true;
    }

    private void next(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                problem(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable x) {
            // the application's exception never reaches the client
            if (response.isCommitted()) {
                callback.failed(x);
            } else {
                problem(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            }
        }
    }

    /** A problem document naming the status only; the connection is closed after it. */
    static void problem(Request request, Response response, Callback callback, int status) {
        String title = HttpStatus.getMessage(status);
        byte[] bytes = Problems.json(status, title, "http_" + status, title).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        if ("HEAD".equals(request.getMethod())) {
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }

    /** Reads one body as it arrives, then hands the application a request that reads from memory. */
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
            Server server = getServer();
            Scheduler scheduler = server == null ? null : server.getScheduler();
            if (scheduler != null) {
                timer = scheduler.schedule(() -> reject(HttpStatus.REQUEST_TIMEOUT_408), bodyTimeoutNanos, TimeUnit.NANOSECONDS);
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
            slots.release();
            return true;
        }

        private void reject(int status) {
            if (finish()) {
                problem(request, response, callback, status);
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
                    reject(HttpStatus.BAD_REQUEST_400);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (buffer.size() + (long) bytes.remaining() > maxBodyBytes) {
                    chunk.release();
                    reject(HttpStatus.PAYLOAD_TOO_LARGE_413);
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

    /** The request as the application sees it once its body is in memory. */
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
