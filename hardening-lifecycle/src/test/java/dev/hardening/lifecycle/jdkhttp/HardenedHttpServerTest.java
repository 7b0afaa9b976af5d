package dev.hardening.lifecycle.jdkhttp;

import dev.hardening.lifecycle.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.lifecycle.Health;
import dev.hardening.testkit.FakeTime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HardenedHttpServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final List<HardenedHttpServer> servers = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private HardenedHttpServer start(HardenedHttpServer.Builder b) throws IOException {
        HardenedHttpServer s = b.build();
        servers.add(s);
        s.createContext("/echo", this::echo);
        s.createContext("/livez", HealthHandlers.livez(Health.create()));
        s.start();
        return s;
    }

    @Test
    void opensNoPortUntilStartSoAReportCanRefuseTheBootFirst() throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HardenedHttpServer s = HardenedHttpServer.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).build();
        servers.add(s);
        s.createContext("/livez", HealthHandlers.livez(Health.create()));
        assertThatThrownBy(() -> new java.net.Socket(InetAddress.getLoopbackAddress(), port).close())
                .as("built, contexts registered, not started: nothing listens")
                .isInstanceOf(java.net.ConnectException.class);
        s.start();
        try (java.net.Socket connected = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(connected.isConnected()).isTrue();
        }
        assertThat(s.getAddress().getPort()).isEqualTo(port);
    }

    private void echo(HttpExchange ex) throws IOException {
        handled.incrementAndGet();
        byte[] body = ex.getRequestBody().readAllBytes();
        byte[] out = ("got " + body.length).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static int port(HttpServer s) {
        return s.getAddress().getPort();
    }

    private static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r).isNotNull();
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status).doesNotContain("Exception").doesNotContain("<");
    }

    @Test
    void defaultsArePinned() {
        assertThat(HardenedHttpServer.DEFAULT_HEAD_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
        assertThat(HardenedHttpServer.DEFAULT_BODY_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(HardenedHttpServer.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(HardenedHttpServer.DEFAULT_MAX_HEAD_BYTES).isEqualTo(16 * 1024);
        assertThat(HardenedHttpServer.DEFAULT_MAX_BODY_BYTES).isEqualTo(1024 * 1024);
        assertThat(HardenedHttpServer.DEFAULT_MAX_CONCURRENT_BODY_READS).isEqualTo(256);
        assertThat(HardenedHttpServer.DEFAULT_MAX_CONNECTIONS).isEqualTo(8192);
        assertThat(HardenedHttpServer.DEFAULT_MAX_THREADS).isEqualTo(200);
        assertThat(HardenedHttpServer.FINDING_ID).isEqualTo("HL-H001");
    }

    @Test
    void builderOptionsAreSetOnceAndChecked() {
        HardenedHttpServer.Builder b = HardenedHttpServer.builder(ANY_PORT).headTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> b.headTimeout(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class)
                .hasMessage("headTimeout: already set");
        assertThatThrownBy(() -> b.bodyTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bodyTimeout: PT0S (expected: > PT0S)");
        assertThatThrownBy(() -> b.maxThreads(2)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxThreads: 2");
        assertThatThrownBy(() -> b.idleTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("idleTimeout: null");
        assertThatThrownBy(() -> HardenedHttpServer.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("address: null");
    }

    @Test
    void startupFindingFailsInProductionForThePlainJdkServerAndPassesForThisOne() throws IOException {
        HttpServer jdk = HttpServer.create();
        Finding prod = HardenedHttpServer.startupCheck(jdk).findings(AppEnvironment.PRODUCTION).get(0);
        assertThat(prod.id()).isEqualTo("HL-H001");
        assertThat(prod.status()).isEqualTo(FindingStatus.FAIL);
        assertThat(HardenedHttpServer.startupCheck(jdk).findings(AppEnvironment.DEV).get(0).status()).isEqualTo(FindingStatus.WARN);
        HardenedHttpServer hardened = HardenedHttpServer.builder(ANY_PORT).build();
        servers.add(hardened);
        Finding pass = HardenedHttpServer.startupCheck(hardened).findings(AppEnvironment.PRODUCTION).get(0);
        assertThat(pass.status()).isEqualTo(FindingStatus.PASS);
        assertThat(pass.detail()).contains("TCP_NODELAY").contains("head deadline 10000 ms");
    }

    @Test
    void servesRequestsWithBodiesOnAKeptAliveConnection() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT));
        try (RawHttp c = RawHttp.connect(port(s))) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("got 5");
            }
            RawHttp.Response chunked = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").read();
            assertThat(chunked.body()).isEqualTo("got 3");
        }
    }

    @Test
    void everyRejectionTheServerMakesItselfIsAProblemDocument() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT).maxBodyBytes(100));
        int port = port(s);
        String[] malformed = {
            "GARBAGE\r\n\r\n",
            "GET /echo HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        };
        for (String request : malformed) {
            try (RawHttp c = RawHttp.connect(port)) {
                RawHttp.Response r = c.send(request).read();
                assertThat(r).as(request).isNotNull();
                assertThat(r.status()).as(request).isBetween(400, 499);
                assertProblem(r, r.status());
            }
        }
        try (RawHttp c = RawHttp.connect(port)) {
            assertProblem(c.send("GET /echo HTTP/7.0\r\nHost: x\r\n\r\n").read(), 505);
        }
        try (RawHttp c = RawHttp.connect(port)) {
            assertProblem(c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n").read(), 431);
        }
        try (RawHttp c = RawHttp.connect(port)) {
            assertProblem(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n").read(), 413);
        }
        try (RawHttp c = RawHttp.connect(port)) {
            assertProblem(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" + "a".repeat(101) + "\r\n0\r\n\r\n").read(), 413);
        }
        try (RawHttp c = RawHttp.connect(port)) {
            assertProblem(c.send("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n").read(), 404);
        }
        try (RawHttp c = RawHttp.connect(port)) {
            RawHttp.Response r = c.send("DELETE /livez HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertProblem(r, 405);
            assertThat(r.header("allow")).isEqualTo("GET, HEAD");
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aHandlerThatThrowsGivesA500ProblemWithoutItsMessage() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT));
        s.createContext("/boom", ex -> {
            throw new IllegalStateException("secret internals");
        });
        try (RawHttp c = RawHttp.connect(port(s))) {
            RawHttp.Response r = c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertProblem(r, 500);
            assertThat(r.body()).doesNotContain("secret").doesNotContain("IllegalState");
        }
    }

    @Test
    void aSlowHeadIsCutWith408WhileOtherClientsAreServed() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT).headTimeout(Duration.ofMillis(200)).maxThreads(8));
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                slow.add(RawHttp.connect(port(s)).send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            }
            try (RawHttp other = RawHttp.connect(port(s))) {
                assertThat(other.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            }
            // the 408 is the event awaited here (a blocking read with a 10 s socket timeout)
            assertProblem(slow.get(0).read(), 408);
            assertThat(slow.get(0).closedByServer()).isTrue();
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }

    @Test
    void slowBodiesHoldNoHandlerThreadAndAreCutWith408() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT).bodyTimeout(Duration.ofMillis(300)).maxThreads(8));
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                slow.add(RawHttp.connect(port(s)).send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"));
            }
            try (RawHttp other = RawHttp.connect(port(s))) {
                assertThat(other.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok").read().body()).isEqualTo("got 2");
            }
            RawHttp.Response cut = slow.get(0).read();
            assertProblem(cut, 408);
            assertThat(cut.header("connection")).isEqualTo("close");
            assertThat(handled).hasValue(1);
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }

    @Test
    void tooManyConcurrentBodiesAre503() throws IOException {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT).maxConcurrentBodyReads(1));
        try (RawHttp first = RawHttp.connect(port(s))) {
            first.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
            // wait (with a deadline) until the server has taken the first request: a probe sent
            // earlier could take the only slot itself and make the first request the 503
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.inFlight() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(s.inFlight()).as("the first request is being read").isEqualTo(1);
            // its body now holds the only slot: poll with a deadline
            RawHttp.Response second = null;
            while (System.nanoTime() < deadline && (second == null || second.status() != 503)) {
                try (RawHttp c = RawHttp.connect(port(s))) {
                    second = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd").read();
                }
            }
            assertProblem(second, 503);
            assertThat(second.header("connection")).isEqualTo("close");
            assertThat(first.send("cd").read().body()).isEqualTo("got 4");
        }
    }

    @Test
    void stopClosesTheListenerButAnswersRequestsOnOpenConnections() throws Exception {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.createContext("/hold", ex -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            echo(ex);
        });
        int port = port(s);
        try (RawHttp holding = RawHttp.connect(port); RawHttp idle = RawHttp.connect(port)) {
            assertThat(idle.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            holding.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                s.stop(60);
                stopped.countDown();
            });
            stopper.start();
            // the listener closes while a request is still in flight: poll with a deadline until a
            // new connection is refused (not merely left unaccepted in the kernel's queue, which a
            // close deferred by the selector used to do until the last request had ended)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try {
                    RawHttp.connect(port).close();
                } catch (ConnectException e) {
                    refused = true;
                } catch (SocketException e) {
                    // this loop's own connect raced the close (handshake done, then reset): poll on
                }
            }
            assertThat(refused).as("new connections refused after stop, while a request is in flight").isTrue();
            assertThat(idle.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).as("open connection answered").isEqualTo(200);
            assertThat(stopped.getCount()).isEqualTo(1);
            release.countDown();
            assertThat(holding.read().status()).isEqualTo(200);
            assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stop returns once nothing is in flight").isTrue();
            assertThat(idle.closedByServer()).isTrue();
        }
    }

    @Test
    void aConnectionOpenedAsTheListenerClosesIsWaitedForUntilItsFirstRequest() throws Exception {
        FakeTime clock = FakeTime.create();
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT).timeSource(clock));
        try (RawHttp fresh = RawHttp.connect(port(s)); RawHttp used = RawHttp.connect(port(s))) {
            assertThat(used.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                s.stop(0);
                stopped.countDown();
            });
            stopper.start();
            awaitRefused(port(s));
            // the clock moves only once stop() has noted the listener's close (its grace counts from
            // then) and waits for the connections (its only timed wait after that)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(s.listenerClosed() && stopper.getState() == Thread.State.TIMED_WAITING) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(s.listenerClosed()).isTrue();
            assertThat(stopper.getState()).isEqualTo(Thread.State.TIMED_WAITING);
            // well past the 200 ms linger that closes a connection which has answered, within the
            // one second that a connection which has not sent its first request yet is given
            clock.advance(Duration.ofMillis(600));
            assertThat(stopped.await(200, TimeUnit.MILLISECONDS)).as("stop still waits for the fresh connection").isFalse();
            assertThat(fresh.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
                    .as("the late first request is answered, not reset").isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
            assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stop returns within its grace").isTrue();
            assertThat(used.closedByServer()).isTrue();
        }
    }

    @Test
    void requestsStartingAsTheListenerClosesAreAnsweredOnlyOnceItHasClosed() throws Exception {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT));
        int port = port(s);
        // the handler itself tells whether the listener was still open when it ran
        s.createContext("/probe", ex -> {
            String state;
            try {
                RawHttp.connect(port).close();
                state = "listener open";
            } catch (ConnectException e) {
                state = "listener closed";
            }
            byte[] body = state.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        try (RawHttp used = RawHttp.connect(port)) {
            assertThat(used.send("GET /probe HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("listener open");
            CountDownLatch stopped = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                s.stop(5);
                stopped.countDown();
            });
            stopper.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!s.holdsRequests() && stopped.getCount() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(s.holdsRequests()).as("stop() holds new requests before closing the listener").isTrue();
            RawHttp.Response held = used.send("GET /probe HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(held.status()).isEqualTo(200);
            assertThat(held.body()).as("no response goes out while the listener can still take a reconnecting client")
                    .isEqualTo("listener closed");
            assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Polls with a deadline until a new connection to {@code port} is refused. */
    private static void awaitRefused(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                RawHttp.connect(port).close();
            } catch (ConnectException e) {
                return;
            } catch (SocketException e) {
                // this loop's own connect raced the close (handshake done, then reset): poll on
            }
        }
        throw new AssertionError("new connections still accepted 10 s after stop()");
    }

    @Test
    void stopZeroEndsTheWaitOfAnEarlierStop() throws Exception {
        HardenedHttpServer s = start(HardenedHttpServer.builder(ANY_PORT));
        CountDownLatch entered = new CountDownLatch(1);
        s.createContext("/hang", ex -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (RawHttp c = RawHttp.connect(port(s))) {
            c.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch longStop = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                s.stop(86_400);
                longStop.countDown();
            });
            t.start();
            s.stop(0);
            assertThat(longStop.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
