package dev.hardening.lifecycle.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.RawHttp;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServletDrainTest {

    private static final long WAIT_SECONDS = 10;

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final CompletableFuture<AsyncContext> async = new CompletableFuture<>();
    private Server server;

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
    private final HttpServlet asyncServlet = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(0);
            async.complete(ctx);
        }
    };

    private static void write(HttpServletResponse resp, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentType("text/plain");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private int start(ServletDrain drain) throws Exception {
        server = JettyFixture.start(drain, Map.of("/fast", fast, "/slow", slow, "/async", asyncServlet));
        return JettyFixture.port(server);
    }

    @AfterEach
    void tearDown() throws Exception {
        releaseSlow.countDown();
        if (server != null) {
            server.setStopTimeout(0);
            server.stop();
        }
    }

    @Test
    void inFlightRequestFinishesAndRequestsAfterStopAcceptingGet503WithConnectionClose() throws Exception {
        ServletDrain drain = ServletDrain.builder().build();
        int port = start(drain);
        CompletableFuture<RawHttp.Response> slowResponse = CompletableFuture.supplyAsync(() -> get(port, "/slow"));
        assertThat(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight()).isEqualTo(1);

        try (RawHttp keepAlive = RawHttp.connect(port)) {
            RawHttp.Response before = keepAlive.get("/fast");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.header("connection")).isNull();

            drain.drainSignal();
            RawHttp.Response announced = get(port, "/fast");
            assertThat(announced.status()).isEqualTo(200);
            assertThat(announced.header("connection")).isEqualTo("close");

            drain.stopAccepting();
            RawHttp.Response late = keepAlive.get("/fast");
            assertThat(late.status()).isEqualTo(503);
            assertThat(late.header("connection")).isEqualTo("close");
            assertThat(late.header("retry-after")).isEqualTo("0");
            assertThat(late.body()).contains("server is shutting down");
            assertThat(keepAlive.closedByServer()).isTrue();
        }
        assertThat(drain.rejectedCount()).isEqualTo(1);

        assertThat(drain.drain(Deadline.after(Duration.ofMillis(100)))).isFalse();
        releaseSlow.countDown();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
        RawHttp.Response done = slowResponse.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("slow");
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void asyncRequestCountsUntilItsAsyncContextCompletes() throws Exception {
        ServletDrain drain = ServletDrain.builder().build();
        int port = start(drain);
        CompletableFuture<RawHttp.Response> response = CompletableFuture.supplyAsync(() -> get(port, "/async"));
        AsyncContext ctx = async.get(WAIT_SECONDS, TimeUnit.SECONDS);

        drain.drainSignal();
        drain.stopAccepting();
        // the servlet returned long ago; the request is still in flight until complete()
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(200)))).isFalse();
        assertThat(drain.inFlight()).isEqualTo(1);
        assertThat(response).isNotDone();

        write((HttpServletResponse) ctx.getResponse(), "async");
        ctx.complete();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
        RawHttp.Response r = response.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("async");
    }

    @Test
    void requestBeyondCapacityGets503() throws Exception {
        ServletDrain drain = ServletDrain.builder().maxInFlight(1).build();
        int port = start(drain);
        CompletableFuture<RawHttp.Response> slowResponse = CompletableFuture.supplyAsync(() -> get(port, "/slow"));
        assertThat(slowStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(get(port, "/fast").status()).isEqualTo(503);
        releaseSlow.countDown();
        assertThat(slowResponse.get(WAIT_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(get(port, "/fast").status()).isEqualTo(200);
    }

    @Test
    void idleDrainReturnsAtOnceAndBuilderRejectsBadOptions() throws Exception {
        ServletDrain drain = ServletDrain.builder().name("web").build();
        assertThat(drain.name()).isEqualTo("web");
        assertThat(drain.drain(Deadline.after(Duration.ZERO))).isTrue();
        assertThatThrownBy(() -> ServletDrain.builder().maxInFlight(0))
                .hasMessage("maxInFlight: 0 (expected: 1 to 1048576)");
        assertThatThrownBy(() -> ServletDrain.builder().name("a").name("b"))
                .hasMessage("name: already set");
    }

    private static RawHttp.Response get(int port, String path) {
        try (RawHttp c = RawHttp.connect(port)) {
            return c.get(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
