package dev.hardening.lifecycle.jdkhttp;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.hardening.lifecycle.jetty.ListenerClose;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A {@link HttpServer} that survives hostile networks: the {@code com.sun.net.httpserver} API your
 * handlers, filters and {@link HttpServerDrain} already use, served by Jetty 12 through
 * {@code jetty-http-spi} with read deadlines, bounded reads and problem-document rejections.
 *
 * <pre>{@code
 * HardenedHttpServer server = HardenedHttpServer.builder(new InetSocketAddress("127.0.0.1", 8080)).build();
 * report.check(server.startupCheck());
 * server.createContext("/", handler);
 * server.start();
 * }</pre>
 *
 * <h2>Why Jetty under the JDK API</h2>
 * Measured on the reference service (BENCHMARKS.md, "JDK HTTP server under abuse"): the JDK's own
 * server reads request heads and bodies on its executor's threads with no read deadline, so a few
 * dozen clients sending one byte a second hold every thread; its only deadline
 * ({@code sun.net.httpserver.maxReqTime}) is JVM-wide, read once at class load, and also cuts
 * long-running handlers; without {@code nodelay} every kept-alive response stalls ~40 ms; and its
 * own rejections are HTML naming Java exceptions, or resets. Jetty parses heads without a thread,
 * so this class only has to bound how long and how much: see the options below. It bridges the
 * JDK API itself rather than through {@code jetty-http-spi}: that jar registers a
 * {@code HttpServerProvider} service, so merely having it on the class path turns every
 * {@code HttpServer.create()} in the process into an unhardened Jetty server; its bridge also
 * commits a 200 before it sees a handler's exception, splits header values on commas, and
 * matches context paths by segment rather than by prefix as the JDK does.
 *
 * <h2>What it guarantees (defaults in brackets)</h2>
 * <ul>
 *   <li>A request head must arrive within {@link #DEFAULT_HEAD_TIMEOUT} of its first byte (cut
 *       within twice that) or the connection is answered 408 and closed; a body within
 *       {@link #DEFAULT_BODY_TIMEOUT} (408). Bodies are read without a thread into memory
 *       (at most {@link #DEFAULT_MAX_BODY_BYTES} bytes, else 413); handlers run only once the
 *       body is complete, so no slow client holds a handler thread. At most
 *       {@link #DEFAULT_MAX_CONCURRENT_BODY_READS} bodies are read at once (503 beyond).</li>
 *   <li>Heads larger than {@link #DEFAULT_MAX_HEAD_BYTES} are answered 431; idle connections close
 *       after {@link #DEFAULT_IDLE_TIMEOUT}; at most {@link #DEFAULT_MAX_CONNECTIONS} connections
 *       are open (further ones wait in the accept queue); handlers run on at most
 *       {@link #DEFAULT_MAX_THREADS} threads.</li>
 *   <li>TCP_NODELAY on every accepted connection; no {@code Server} header.</li>
 *   <li>Every rejection the server makes itself (malformed request line, bad chunk size, head too
 *       large, no context, a handler that throws before answering) is an RFC 9457 {@code application/problem+json}
 *       document with a fixed title and detail: no HTML, no exception or class names.</li>
 *   <li>{@link #stop(int)} as the JDK documents it, without resets: the listener closes at once
 *       (new connections are refused); requests on connections already open are read and
 *       answered; when none is in flight, or after the delay, every connection closes.</li>
 * </ul>
 *
 * <p>Differences from the JDK server: {@link #setExecutor(Executor)} is not supported (the pool is
 * sized by {@link Builder#maxThreads(int)}); HTTPS is not offered by this class; request
 * attributes are per request (the JDK 17 server shares them per context); a handler or filter that
 * throws, or returns, before answering gets a 500 problem document. Contexts are chosen as the JDK
 * does (longest path prefix). Thread-safe.
 */
public final class HardenedHttpServer extends HttpServer {

    /** Default deadline for a request head, from its first byte: 10 s. */
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);
    /** Default deadline for a request body, from the end of its head: 30 s. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    /** Default time a connection may stay silent before it is closed: 30 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default limit on a request head (request line and header fields): 16 KiB; beyond it 431. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    /** Default limit on a request body: 1 MiB; beyond it 413. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** Default number of request bodies read at once; beyond it 503. */
    public static final int DEFAULT_MAX_CONCURRENT_BODY_READS = 256;
    /** Default limit on open connections; further ones wait in the accept queue. */
    public static final int DEFAULT_MAX_CONNECTIONS = 8192;
    /** Default number of threads running handlers (and Jetty's selector and acceptor). */
    public static final int DEFAULT_MAX_THREADS = 200;

    /** The startup finding's id. */
    public static final String FINDING_ID = "HL-H001";

    private static final String RULE = "VII. Port binding";
    /** How long a connection must have been idle before stop() closes it under its client. */
    private static final Duration CLOSE_LINGER = Duration.ofMillis(200);
    /** The longest stop() waits for requests on open connections before closing them all. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final int MIN_THREADS = 8;
    private static final int MAX_QUEUED_TASKS = 16_384;
    private static final int ACCEPT_QUEUE = 1024;
    /**
     * Characters of Jetty's per-connection cache of repeated request header fields (Jetty's default is
     * 1,024). A cached field is matched byte by byte through a trie on every later request; a bearer
     * token (about 700 characters for an RS256 JWT) fitted in the default, and matching it cost more
     * than parsing it (measured on the reference service's {@code /api/v1/me}: the request-head parse
     * fell from ~21 % to ~17 % of the samples). Short repeated fields (Host, Accept, User-Agent) still fit.
     */
    private static final int HEADER_CACHE_CHARS = 256;

    private final Server jetty;
    private final ServerConnector connector;
    private final ContextDispatcher contexts = new ContextDispatcher();
    private final ReadGuard guard;
    private final QueuedThreadPool pool;
    private final TimeSource time;
    private final InetSocketAddress requested;
    private final String summary;
    private final Object lock = new Object();
    private final AtomicBoolean listenerClosed = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean stopNow;
    private volatile long listenerClosedAt;

    private HardenedHttpServer(Builder b) {
        this.requested = b.address;
        this.time = b.timeSource == null ? TimeSource.system() : b.timeSource;
        this.pool = new QueuedThreadPool(b.maxThreads(), Math.min(MIN_THREADS, b.maxThreads()), 60_000,
                new BlockingArrayQueue<>(256, 256, MAX_QUEUED_TASKS));
        pool.setName("http");
        this.jetty = new Server(pool);
        jetty.setStopTimeout(0);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(b.maxHeadBytes());
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setHeaderCacheSize(HEADER_CACHE_CHARS);
        // acceptors = 0: connections are accepted by the selector from a non-blocking listener, which
        // lets stop() take the accept queue's last connections before closing it (ListenerClose)
        this.connector = new ServerConnector(jetty, 0, -1, new HttpConnectionFactory(config));
        connector.setHost(b.address.getHostString());
        connector.setPort(b.address.getPort());
        connector.setIdleTimeout(b.idleTimeout().toMillis());
        connector.setAcceptedTcpNoDelay(true);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        this.guard = new ReadGuard(b, time, this::onIdle);
        guard.scheduler(jetty.getScheduler());
        connector.addEventListener(guard.connections);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(b.maxConnections(), connector));
        guard.setHandler(contexts);
        jetty.setHandler(guard);
        jetty.setErrorHandler(new Problems.ErrorPage());
        this.summary = b.summary();
        // No bind here (unlike HttpServer.create): a service builds and registers everything, prints
        // its startup report and may refuse to boot before any port is open; start() binds.
    }

    /**
     * @param address where to listen; port 0 picks a free port ({@link #getAddress()} tells which)
     * @return a builder with every option at its default
     * @throws NullPointerException if {@code address} is null
     */
    public static Builder builder(InetSocketAddress address) {
        return new Builder(Checks.notNull(address, "address"));
    }

    /**
     * The finding {@value #FINDING_ID} for any JDK-API server: PASS with the limits in force for a
     * {@link HardenedHttpServer}; for any other {@link HttpServer} (the JDK's own, with no read
     * deadline, TCP_NODELAY or bounded reads) FAIL in production and WARN elsewhere.
     *
     * @param server the server the service will listen with
     * @return the check to add to the startup report; thread-safe
     * @throws NullPointerException if {@code server} is null
     */
    public static StartupCheck startupCheck(HttpServer server) {
        Checks.notNull(server, "server");
        if (server instanceof HardenedHttpServer) {
            return ((HardenedHttpServer) server).startupCheck();
        }
        return env -> List.of(new Finding(FINDING_ID, env.policyViolation(), RULE, "HTTP server",
                "JDK HttpServer without read deadlines, TCP_NODELAY or bounded reads: slow clients hold its threads",
                "build the server with HardenedHttpServer.builder(address)"));
    }

    /** @return this server's finding {@value #FINDING_ID}: PASS, naming the limits in force; thread-safe */
    public StartupCheck startupCheck() {
        return (AppEnvironment env) -> List.of(Finding.pass(FINDING_ID, RULE, "HTTP server", summary, ""));
    }

    /** @return whether stop() has closed the listener and noted when (its close grace counts from then) */
    boolean listenerClosed() {
        return listenerClosed.get();
    }

    /** @return whether requests that start now are held until the listener has closed (stop() has begun) */
    boolean holdsRequests() {
        return guard.closing.holding();
    }

    /** @return requests in flight (read, being handled or being answered) */
    public long inFlight() {
        return guard.inFlight();
    }

    /**
     * Not supported: this server runs handlers on its own bounded pool.
     *
     * @param addr ignored
     * @param backlog ignored
     * @throws UnsupportedOperationException always: the address is given to {@link #builder}
     */
    @Override
    public void bind(InetSocketAddress addr, int backlog) {
        throw new UnsupportedOperationException("bind: the address is given to HardenedHttpServer.builder(address)");
    }

    /**
     * Binds the address given to the builder and starts accepting connections.
     *
     * @throws IllegalStateException if the server was stopped
     * @throws UncheckedIOException  if the address cannot be bound
     */
    @Override
    public void start() {
        if (stopped.get()) {
            throw new IllegalStateException("start: the server was stopped");
        }
        try {
            jetty.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("start: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Not supported: handlers run on the server's own bounded pool.
     *
     * @param executor ignored
     * @throws UnsupportedOperationException always; size the pool with {@link Builder#maxThreads(int)}
     */
    @Override
    public void setExecutor(Executor executor) {
        throw new UnsupportedOperationException("executor: HardenedHttpServer runs handlers on its own pool; use maxThreads");
    }

    /** @return the pool running handlers */
    @Override
    public Executor getExecutor() {
        return pool;
    }

    /**
     * Stops the server as {@link HttpServer#stop(int)} documents it: closes the listener (new
     * connections are refused), waits until no request is in flight or {@code delay} seconds
     * have passed, then closes every connection and stops the pool. Requests arriving meanwhile on
     * connections already open are read and handled (a {@link HttpServerDrain} answers them 503
     * with {@code Connection: close}). Before the connections close, requests already arriving on
     * them are still answered, for at most one more second, and a connection is closed only once
     * it has been idle 200 ms; one that has not sent a request yet is waited for within that second.
     * The listener's close takes effect at once: connections the kernel completed before it are
     * accepted and answered, later ones are refused. Just before it, requests that start are held
     * and answered only once the listener is closed, and the listener stays open until no response
     * has gone out for 200 ms (at most one second; at once when no connection is open): a client
     * that reconnects when told {@code Connection: close} then lands on an accepted connection, not in the
     * accept queue as it closes (which would reset it). A concurrent {@code stop(0)} ends the wait of an earlier call.
     * Returns when the server is stopped.
     *
     * @param delay the longest wait in seconds for requests in flight
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    @Override
    public void stop(int delay) {
        Checks.inRange(delay, 0, Integer.MAX_VALUE, "delay");
        closeListener();
        long deadline = time.nanoTime() + TimeUnit.SECONDS.toNanos(delay);
        synchronized (lock) {
            while (!stopNow && guard.inFlight() > 0) {
                long left = deadline - time.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopNow = true;
            lock.notifyAll();
        }
        quiesce();
        if (stopped.compareAndSet(false, true)) {
            try {
                jetty.stop();
            } catch (Exception e) {
                throw new IllegalStateException("stop: " + e.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * Before closing every connection: a request that reached a connection already accepted (in
     * transit, or its head still arriving) is read and answered rather than cut, a connection that
     * only just answered is given {@link #CLOSE_LINGER} for its client to read the response and
     * send the next request, and a connection that has not carried a request yet (accepted as the
     * listener closed) is waited for until the end. Bounded by {@link #CLOSE_GRACE}. (Seen under 50
     * reconnecting clients at a load average of 25: 35 connections still open when the linger was
     * over had not sent their first request yet; closing them would reset it when it came.)
     */
    private void quiesce() {
        long deadline = time.nanoTime() + CLOSE_GRACE.toNanos();
        // Connections accepted just before the listener closed are opened by the selector a moment
        // later: only once the listener has been closed for the linger are they all counted.
        long counted = listenerClosedAt + CLOSE_LINGER.toNanos();
        synchronized (lock) {
            while ((time.nanoTime() < counted || !guard.quiet(CLOSE_LINGER.toNanos(), CLOSE_GRACE.toNanos())) && time.nanoTime() < deadline) {
                try {
                    lock.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Closes the listener once ({@link ListenerClose#closeListeners}: requests that start are held
     * until no response has gone out for a moment, then the listener closes at once and they are
     * answered); a concurrent caller waits until it is closed.
     */
    private void closeListener() {
        guard.closing.closeListeners(List.of(connector), pool, guard::connectionsOpen);
        synchronized (lock) {
            if (!listenerClosed.get()) {
                listenerClosedAt = time.nanoTime(); // before the flag: whoever sees the flag sees the time
                listenerClosed.set(true);
            }
        }
    }

    private void onIdle() {
        if (listenerClosed.get()) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Creates a context; see {@link HttpServer#createContext(String, HttpHandler)}.
     *
     * @param path    the context path, starting with {@code /}
     * @param handler its handler
     * @return the context, whose filters run before the handler
     * @throws IllegalArgumentException if {@code path} is invalid
     * @throws IllegalArgumentException if a context already has this path
     */
    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        JdkContext c = new JdkContext(checkPath(path), Checks.notNull(handler, "handler"), this);
        contexts.add(c);
        return c;
    }

    /**
     * Creates a context without a handler yet; see {@link HttpServer#createContext(String)}.
     *
     * @param path the context path, starting with {@code /}
     * @return the context
     * @throws IllegalArgumentException if {@code path} is invalid
     */
    @Override
    public HttpContext createContext(String path) {
        JdkContext c = new JdkContext(checkPath(path), null, this);
        contexts.add(c);
        return c;
    }

    private static String checkPath(String path) {
        Checks.notNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
        }
        return path;
    }

    /**
     * Removes a context.
     *
     * @param path its path
     */
    @Override
    public void removeContext(String path) {
        contexts.remove(Checks.notNull(path, "path"));
    }

    /**
     * Removes a context.
     *
     * @param context the context
     */
    @Override
    public void removeContext(HttpContext context) {
        contexts.remove(Checks.notNull(context, "context").getPath());
    }

    /** @return the address listened on, with the actual port when port 0 was asked for */
    @Override
    public InetSocketAddress getAddress() {
        int port = connector.getLocalPort();
        return new InetSocketAddress(requested.getAddress(), port > 0 ? port : requested.getPort());
    }

    /**
     * Builds a {@link HardenedHttpServer}. Each option may be set once ({@code "option: already
     * set"}); unset options take the documented defaults. Not thread-safe.
     */
    public static final class Builder {
        private final InetSocketAddress address;
        private Duration headTimeout;
        private Duration bodyTimeout;
        private Duration idleTimeout;
        private Integer maxHeadBytes;
        private Integer maxBodyBytes;
        private Integer maxConcurrentBodyReads;
        private Integer maxConnections;
        private Integer maxThreads;
        private TimeSource timeSource;

        private Builder(InetSocketAddress address) {
            this.address = address;
        }

        /**
         * @param timeout how long a request head may take from its first byte; default {@link #DEFAULT_HEAD_TIMEOUT}
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder headTimeout(Duration timeout) {
            headTimeout = Checks.setOnce(headTimeout, Checks.positive(timeout, "headTimeout"), "headTimeout");
            return this;
        }

        /**
         * @param timeout how long a request body may take from the end of its head; default {@link #DEFAULT_BODY_TIMEOUT}
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder bodyTimeout(Duration timeout) {
            bodyTimeout = Checks.setOnce(bodyTimeout, Checks.positive(timeout, "bodyTimeout"), "bodyTimeout");
            return this;
        }

        /**
         * @param timeout how long a connection may stay silent; default {@link #DEFAULT_IDLE_TIMEOUT}
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder idleTimeout(Duration timeout) {
            idleTimeout = Checks.setOnce(idleTimeout, Checks.positive(timeout, "idleTimeout"), "idleTimeout");
            return this;
        }

        /**
         * @param bytes the largest request head; default {@value #DEFAULT_MAX_HEAD_BYTES}
         * @return this
         * @throws IllegalArgumentException if not in 1024..1048576
         */
        public Builder maxHeadBytes(int bytes) {
            maxHeadBytes = Checks.setOnce(maxHeadBytes, (int) Checks.inRange(bytes, 1024, 1 << 20, "maxHeadBytes"), "maxHeadBytes");
            return this;
        }

        /**
         * @param bytes the largest request body; default {@value #DEFAULT_MAX_BODY_BYTES}
         * @return this
         * @throws IllegalArgumentException if not in 0..268435456
         */
        public Builder maxBodyBytes(int bytes) {
            maxBodyBytes = Checks.setOnce(maxBodyBytes, (int) Checks.inRange(bytes, 0, 1 << 28, "maxBodyBytes"), "maxBodyBytes");
            return this;
        }

        /**
         * @param n bodies read at once; default {@value #DEFAULT_MAX_CONCURRENT_BODY_READS}
         * @return this
         * @throws IllegalArgumentException if not in 1..65536
         */
        public Builder maxConcurrentBodyReads(int n) {
            maxConcurrentBodyReads = Checks.setOnce(maxConcurrentBodyReads,
                    (int) Checks.inRange(n, 1, 65_536, "maxConcurrentBodyReads"), "maxConcurrentBodyReads");
            return this;
        }

        /**
         * @param n open connections at most; default {@value #DEFAULT_MAX_CONNECTIONS}
         * @return this
         * @throws IllegalArgumentException if not in 1..1048576
         */
        public Builder maxConnections(int n) {
            maxConnections = Checks.setOnce(maxConnections, (int) Checks.inRange(n, 1, 1 << 20, "maxConnections"), "maxConnections");
            return this;
        }

        /**
         * @param n threads at most; default {@value #DEFAULT_MAX_THREADS}
         * @return this
         * @throws IllegalArgumentException if not in 8..10000
         */
        public Builder maxThreads(int n) {
            maxThreads = Checks.setOnce(maxThreads, (int) Checks.inRange(n, 8, 10_000, "maxThreads"), "maxThreads");
            return this;
        }

        /**
         * @param source the clock for deadlines; default {@link TimeSource#system()}
         * @return this
         */
        public Builder timeSource(TimeSource source) {
            timeSource = Checks.setOnce(timeSource, source, "timeSource");
            return this;
        }

        /**
         * The finding {@value #FINDING_ID} the built server will report, available before any port
         * is bound (the startup report runs first).
         *
         * @return a PASS naming the limits this builder will apply; thread-safe
         */
        public StartupCheck startupCheck() {
            String s = summary();
            return env -> List.of(Finding.pass(FINDING_ID, RULE, "HTTP server", s, ""));
        }

        String summary() {
            return "head deadline " + headTimeout().toMillis() + " ms, body deadline " + bodyTimeout().toMillis()
                    + " ms, idle " + idleTimeout().toMillis() + " ms, head <= " + maxHeadBytes() + " B (431), body <= "
                    + maxBodyBytes() + " B (413), " + maxConcurrentBodyReads() + " concurrent body reads, "
                    + maxConnections() + " connections, " + maxThreads() + " threads, TCP_NODELAY";
        }

        Duration headTimeout() {
            return headTimeout == null ? DEFAULT_HEAD_TIMEOUT : headTimeout;
        }

        Duration bodyTimeout() {
            return bodyTimeout == null ? DEFAULT_BODY_TIMEOUT : bodyTimeout;
        }

        Duration idleTimeout() {
            return idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        }

        int maxHeadBytes() {
            return maxHeadBytes == null ? DEFAULT_MAX_HEAD_BYTES : maxHeadBytes;
        }

        int maxBodyBytes() {
            return maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        }

        int maxConcurrentBodyReads() {
            return maxConcurrentBodyReads == null ? DEFAULT_MAX_CONCURRENT_BODY_READS : maxConcurrentBodyReads;
        }

        int maxConnections() {
            return maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        }

        int maxThreads() {
            return maxThreads == null ? DEFAULT_MAX_THREADS : maxThreads;
        }

        /**
         * Creates the server without opening its port (unlike {@link HttpServer#create(InetSocketAddress, int)}):
         * contexts and filters can be registered and a startup report printed first;
         * {@link HardenedHttpServer#start()} binds the address and starts accepting.
         *
         * @return the server
         */
        public HardenedHttpServer build() {
            return new HardenedHttpServer(this);
        }
    }
}
