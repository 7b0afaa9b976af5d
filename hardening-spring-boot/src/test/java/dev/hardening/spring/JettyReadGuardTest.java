package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.spring.internal.JettyProblemErrorHandler;
import dev.hardening.spring.internal.JettyReadGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The starter's Jetty read guard on a plain Jetty server whose handler reads bodies with blocking
 * calls, as a servlet does: slow bodies hold no thread, and every rejection is a problem document.
 */
class JettyReadGuardTest {

    private static final int THREADS = 16;
    private Server server;
    private int port;

    /** Answers the length of the body it read, blocking as a servlet's InputStream would. */
    static final class BlockingReader extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            // blocking read on the pool thread (what a servlet's getInputStream().readAllBytes() does)
            ByteBuffer body = Content.Source.asByteBuffer(request);
            response.setStatus(200);
            response.write(true, ByteBuffer.wrap(("read " + body.remaining()).getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    private void start(JettyReadGuard guard) throws Exception {
        start(guard, 30_000);
    }

    private void start(JettyReadGuard guard, long idleTimeoutMillis) throws Exception {
        start(guard, idleTimeoutMillis, 1, new BlockingReader());
    }

    private void start(JettyReadGuard guard, long idleTimeoutMillis, int acceptors, Handler handler) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(THREADS, 4);
        server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, acceptors, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeoutMillis);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(new JettyProblemErrorHandler());
        if (guard != null) {
            guard.install(server);
        }
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000); // a deadline for a starved server, not a timing bound
        return s;
    }

    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return readResponse(s.getInputStream());
    }

    /** Reads until the connection closes or the body given by Content-Length is complete. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            int end = s.indexOf("\r\n\r\n");
            if (end >= 0) {
                int cl = s.toLowerCase().indexOf("content-length: ");
                if (cl >= 0 && cl < end) {
                    int length = Integer.parseInt(s.substring(cl + 16, s.indexOf("\r\n", cl)).trim());
                    return s + new String(in.readNBytes(length - (s.length() - end - 4)), StandardCharsets.ISO_8859_1);
                }
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Answers whether a new connection to the server's port was still accepted when it ran. */
    final class ListenerProbe extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String state;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                state = "listener open";
            } catch (IOException e) {
                state = "listener closed";
            }
            response.setStatus(200);
            response.write(true, ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    @Test
    void closingTheListenersAnswersRequestsThatStartMeanwhileOnlyOnceTheyAreClosed() throws Exception {
        JettyReadGuard guard = new JettyReadGuard(Duration.ofSeconds(60), Duration.ofSeconds(60), 1024, 16);
        start(guard, 30_000, 0, new ListenerProbe()); // accepting on the selector, as the starter configures it
        try (Socket used = connect()) {
            assertThat(exchange(used, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")).endsWith("listener open");
            Thread closer = new Thread(guard::closeListeners);
            closer.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!guard.holding() && closer.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(guard.holding()).as("requests are held before the listeners close").isTrue();
            assertThat(exchange(used, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .as("no response goes out while a listener can still take a reconnecting client")
                    .startsWith("HTTP/1.1 200").endsWith("listener closed");
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
            assertThatThrownBy(this::connect).as("new connections are refused").isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void slowBodiesHoldNoThreadAndArriveWhole() throws Exception {
        start(new JettyReadGuard(Duration.ofSeconds(60), Duration.ofSeconds(60), 1024 * 1024, 256));
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < THREADS * 3; i++) {
                Socket s = connect();
                s.getOutputStream().write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // three times the pool's threads are sending bodies: a request without one still gets a thread
            try (Socket s = connect()) {
                assertThat(exchange(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200").endsWith("read 0");
            }
            for (Socket s : slow) {
                assertThat(exchange(s, "cd")).startsWith("HTTP/1.1 200").endsWith("read 4");
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void theSameSlowBodiesStarveTheServerWithoutTheGuard() throws Exception {
        start(null, 5_000); // the idle timeout frees the blocked threads for stop()
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < THREADS * 3; i++) {
                Socket s = connect();
                s.getOutputStream().write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                slow.add(s);
            }
            try (Socket s = connect()) {
                s.setSoTimeout(3_000);
                // the control case: every thread is blocked in a body read, so this request waits
                assertThatThrownBy(() -> exchange(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"))
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aBodyNotCompleteInTimeIs408AndTheConnectionCloses() throws Exception {
        start(new JettyReadGuard(Duration.ofSeconds(60), Duration.ofMillis(200), 1024, 8));
        try (Socket s = connect()) {
            String r = exchange(s, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
            assertThat(r).startsWith("HTTP/1.1 408").contains("Content-Type: application/problem+json")
                    .contains("Connection: close").contains("\"status\":408").doesNotContain("Exception");
        }
    }

    @Test
    void aHeadNotCompleteInTimeIs408WhileAnIdleKeptAliveConnectionStaysOpen() throws Exception {
        start(new JettyReadGuard(Duration.ofMillis(200), Duration.ofSeconds(60), 1024, 8));
        try (Socket idle = connect(); Socket slow = connect()) {
            // a complete request, then nothing: the head deadline leaves an idle connection alone
            assertThat(exchange(idle, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
            String r = exchange(slow, "GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: a");
            assertThat(r).startsWith("HTTP/1.1 408").contains("Content-Type: application/problem+json")
                    .contains("Connection: close").contains("\"status\":408");
            // the idle connection outlived the slow head's deadline and still serves
            assertThat(exchange(idle, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aBodyOverTheLimitIs413ByLengthOrAsItArrives() throws Exception {
        start(new JettyReadGuard(Duration.ofSeconds(60), Duration.ofSeconds(60), 8, 8));
        try (Socket s = connect()) {
            assertThat(exchange(s, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n123456789"))
                    .startsWith("HTTP/1.1 413").contains("\"status\":413");
        }
        try (Socket s = connect()) {
            assertThat(exchange(s, "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n123456789\r\n0\r\n\r\n"))
                    .startsWith("HTTP/1.1 413").contains("\"status\":413");
        }
    }

    @Test
    void moreConcurrentBodiesThanAllowedAre503AndAMalformedBodyIs400() throws Exception {
        start(new JettyReadGuard(Duration.ofSeconds(60), Duration.ofSeconds(60), 1024, 1));
        try (Socket first = connect()) {
            first.getOutputStream().write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"
                    .getBytes(StandardCharsets.ISO_8859_1));
            first.getOutputStream().flush();
            // once the server has the first head, its body holds the only slot until it completes: until
            // then a complete second body may still pass, so poll (with a deadline) until one is refused
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String r;
            do {
                try (Socket second = connect()) {
                    r = exchange(second, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
                }
            } while (r.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline);
            assertThat(r).startsWith("HTTP/1.1 503").contains("\"status\":503");
            assertThat(exchange(first, "cd")).startsWith("HTTP/1.1 200").endsWith("read 4");
        }
        try (Socket s = connect()) {
            assertThat(exchange(s, "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"))
                    .startsWith("HTTP/1.1 400").contains("application/problem+json").doesNotContain("<");
        }
    }

    @Test
    void jettysOwnRejectionsAreProblemDocuments() throws Exception {
        start(new JettyReadGuard(Duration.ofSeconds(60), Duration.ofSeconds(60), 1024, 8));
        String[][] cases = {
            {"GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n", "431"},
            {"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
            {"GET /x HTTP/9.9\r\nHost: x\r\n\r\n", "505"},
        };
        for (String[] c : cases) {
            try (Socket s = connect()) {
                String r = exchange(s, c[0]);
                assertThat(r).as(c[1]).startsWith("HTTP/1.1 " + c[1]).contains("Content-Type: application/problem+json")
                        .contains("\"status\":" + c[1]).doesNotContain("<").doesNotContain("Exception");
            }
        }
    }
}
