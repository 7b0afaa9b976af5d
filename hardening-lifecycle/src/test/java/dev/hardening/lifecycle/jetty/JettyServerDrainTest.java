package dev.hardening.lifecycle.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.RawHttp;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.lifecycle.servlet.JettyFixture;
import dev.hardening.lifecycle.servlet.ServletDrain;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JettyServerDrainTest {

    private static final long WAIT_SECONDS = 10;

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final ServletDrain requests = ServletDrain.builder().build();
    private Server server;
    private int port;

    private final HttpServlet fast = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            write(resp, "fast");
        }
    };
    private final HttpServlet slow = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            slowStarted.countDown();
            try {
                if (!releaseSlow.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    resp.sendError(500);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            write(resp, "slow");
        }
    };

    private static void write(HttpServletResponse resp, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private void start() throws Exception {
        server = JettyFixture.start(requests, Map.of("/fast", fast, "/slow", slow));
        port = JettyFixture.port(server);
    }

    @AfterEach
    void tearDown() throws Exception {
        releaseSlow.countDown();
        if (server != null && !server.isStopped()) {
            server.setStopTimeout(0);
            server.stop();
        }
    }

    @Test
    void closesTheListenerAnswers503OnOpenConnectionsAndLetsInFlightRequestsFinish() throws Exception {
        start();
        JettyServerDrain drain = JettyServerDrain.builder(server).tracker(requests).build();
        CompletableFuture<RawHttp.Response> slowResponse = CompletableFuture.supplyAsync(() -> get("/slow"));
        assertThat(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        try (RawHttp keepAlive = RawHttp.connect(port)) {
            assertThat(keepAlive.get("/fast").status()).isEqualTo(200);

            drain.drainSignal();
            drain.stopAccepting();
            awaitConnectRefused();
            // Jetty closes idle connections at shutdown; a request that wins that race gets 503.
            try {
                RawHttp.Response late = keepAlive.get("/fast");
                assertThat(late.status()).isEqualTo(503);
                assertThat(late.header("connection")).isEqualTo("close");
            } catch (IOException closedByServer) {
                assertThat(closedByServer).hasMessageContaining("connection closed");
            }
        }
        assertThat(drain.inFlight()).isEqualTo(1);

        releaseSlow.countDown();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
        RawHttp.Response done = slowResponse.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("slow");
        assertThat(server.isStopped()).isTrue();
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void requestThatOutlivesTheDeadlineIsCutByForceStop() throws Exception {
        start();
        JettyServerDrain drain = JettyServerDrain.builder(server).tracker(requests).build();
        CompletableFuture<RawHttp.Response> stuck = CompletableFuture.supplyAsync(() -> get("/slow"));
        assertThat(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        drain.drainSignal();
        drain.stopAccepting();
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(100)))).isFalse();
        drain.forceStop();

        assertThatThrownBy(() -> stuck.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UncheckedIOException.class);
    }

    @Test
    void coordinatorRunsTheWholeSequence() throws Exception {
        start();
        ShutdownCoordinator coordinator = ShutdownCoordinator.builder()
                .drainTimeout(Duration.ofSeconds(5)).halter(code -> { }).build();
        coordinator.register(JettyServerDrain.builder(server).tracker(requests).build());
        assertThat(get("/fast").status()).isEqualTo(200);

        ShutdownReport report = coordinator.shutdown();

        assertThat(report.fullyDrained()).as(report.render()).isTrue();
        assertThat(server.isStopped()).isTrue();
    }

    @Test
    void withoutATrackerWaitsForJettysGracefulHandler() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(slow), "/slow");
        server.setHandler(new GracefulHandler(context));
        server.start();
        port = connector.getLocalPort();
        JettyServerDrain drain = JettyServerDrain.builder(server).build();
        CompletableFuture<RawHttp.Response> slowResponse = CompletableFuture.supplyAsync(() -> get("/slow"));
        assertThat(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight()).isEqualTo(1);

        drain.stopAccepting();
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(100)))).isFalse();
        releaseSlow.countDown();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
        assertThat(slowResponse.get(WAIT_SECONDS, TimeUnit.SECONDS).body()).isEqualTo("slow");
        assertThat(server.isStopped()).isTrue();
    }

    @Test
    void builderOptionsCanBeSetOnce() throws Exception {
        start();
        assertThatThrownBy(() -> JettyServerDrain.builder(server).tracker(requests).tracker(requests))
                .hasMessage("tracker: already set");
        assertThatThrownBy(() -> JettyServerDrain.builder(server).name(""))
                .hasMessage("name: '' (expected: 1 to 64 characters)");
    }

    @Test
    void withConnectorsAcceptingOnTheirSelectorsTheListenerIsClosedWhenStopAcceptingReturns() throws Exception {
        // acceptors 0: the selector accepts; a plain close of its non-blocking listener would take
        // effect only at the selector's next wake-up, and a connect meanwhile would be reset later
        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 0, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler());
        server.start();
        port = connector.getLocalPort();
        RawHttp.connect(port).close();

        JettyServerDrain drain = JettyServerDrain.builder(server).build();
        drain.stopAccepting();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> RawHttp.connect(port).close()).as("connect %d after stopAccepting", i)
                    .isInstanceOf(ConnectException.class);
        }
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
    }

    private void awaitConnectRefused() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        CountDownLatch pause = new CountDownLatch(1);
        while (true) {
            try {
                RawHttp.connect(port).close();
                assertThat(System.nanoTime() - end).as("listener closed within %d s", WAIT_SECONDS).isNegative();
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                throw new UncheckedIOException(other);
            }
            pause.await(5, TimeUnit.MILLISECONDS);
        }
    }

    private RawHttp.Response get(String path) {
        try (RawHttp c = RawHttp.connect(port)) {
            return c.get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
