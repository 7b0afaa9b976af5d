package dev.hardening.lifecycle.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The per-exchange state shared by the tracking wrappers: who owns the response (the handler, or
 * the force stop that answers 503). Exactly one side wins; the loser never touches the exchange's
 * streams, so the two never write concurrently.
 */
final class Tracked {

    static final int RUNNING = 0;
    static final int RESPONDED = 1;
    static final int FORCED = 2;

    private static final VarHandle STATE;
    private static final byte[] SHUTTING_DOWN = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
            + "\"status\":503,\"detail\":\"server is shutting down; retry the request\"}").getBytes(StandardCharsets.UTF_8);

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Tracked.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final HttpExchange delegate;
    final Thread thread;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    Tracked(HttpExchange delegate, Thread thread) {
        this.delegate = delegate;
        this.thread = thread;
    }

    /** @return whether the handler owns the response (claiming it now if nobody did) */
    boolean claimForHandler() {
        int s = (int) STATE.getVolatile(this);
        if (s == RUNNING) {
            if (STATE.compareAndSet(this, RUNNING, RESPONDED)) {
                return true;
            }
            s = (int) STATE.getVolatile(this);
        }
        return s == RESPONDED;
    }

    boolean isForced() {
        return (int) STATE.getVolatile(this) == FORCED;
    }

    /**
     * Cuts the exchange: answers 503 with {@code Connection: close} if the handler has not started
     * its response, and interrupts the handler thread.
     *
     * @return whether the 503 was sent
     */
    boolean force() {
        boolean won = STATE.compareAndSet(this, RUNNING, FORCED);
        if (won) {
            try {
                sendUnavailable(delegate);
            } catch (IOException | RuntimeException e) {
                delegate.close();
            }
        }
        thread.interrupt();
        return won;
    }

    static IOException cut() {
        return new IOException("request cut: the server is shutting down");
    }

    /**
     * Answers 503 with {@code Connection: close} and a problem document, then closes the exchange.
     *
     * @param exchange an exchange whose response has not started
     * @throws IOException if writing fails
     */
    static void sendUnavailable(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.getResponseHeaders().set("Retry-After", "0");
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(503, head ? -1 : SHUTTING_DOWN.length);
            if (!head) {
                OutputStream os = exchange.getResponseBody();
                os.write(SHUTTING_DOWN);
            }
        }
    }

    /** The response body as the handler sees it: refuses writes once the exchange was forced. */
    static final class GuardedStream extends OutputStream {
        private final Tracked tracked;
        private final OutputStream out;

        GuardedStream(Tracked tracked, OutputStream out) {
            this.tracked = tracked;
            this.out = out;
        }

        private void check() throws IOException {
            if (tracked.isForced()) {
                throw cut();
            }
        }

        @Override
        public void write(int b) throws IOException {
            check();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            check();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!tracked.isForced()) {
                out.close();
            }
        }
    }
}
