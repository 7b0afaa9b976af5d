package dev.hardening.lifecycle.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.RawHttp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The head deadline's timers, on a Jetty server wired as {@link HardenedHttpServer} wires it. */
class ReadGuardTest {

    /** A real scheduler that counts what is scheduled on it. */
    private static final class CountingScheduler extends ScheduledExecutorScheduler {
        final AtomicInteger scheduled = new AtomicInteger();

        @Override
        public Scheduler.Task schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.incrementAndGet();
            return super.schedule(task, delay, unit);
        }
    }

    private final CountingScheduler scheduler = new CountingScheduler();
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        scheduler.stop();
    }

    private int start(Duration headTimeout) throws Exception {
        scheduler.start();
        HardenedHttpServer.Builder b = HardenedHttpServer.builder(new InetSocketAddress("127.0.0.1", 0))
                .headTimeout(headTimeout);
        ReadGuard guard = new ReadGuard(b, TimeSource.system(), () -> { });
        guard.scheduler(scheduler);
        guard.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put("Content-Length", "0");
                callback.succeeded();
                return true;
            }
        });
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.addEventListener(guard.connections);
        server.addConnector(connector);
        server.setHandler(guard);
        server.start();
        return connector.getLocalPort();
    }

    @Test
    void aKeptAliveConnectionHoldsOneHeadTimerNotOnePerRequest() throws Exception {
        int port = start(Duration.ofSeconds(30));
        try (RawHttp c = RawHttp.connect(port)) {
            for (int i = 0; i < 200; i++) {
                assertThat(c.get("/any").status()).isEqualTo(200);
            }
        }
        // one timer when the connection opened; none of the 200 requests added another, since no
        // 30 s deadline came due during the test (a timer per request made it 201)
        assertThat(scheduler.scheduled.get()).isEqualTo(1);
    }

    @Test
    void aSlowHeadAfterManyRequestsOnTheSameConnectionIsStillCutWith408() throws Exception {
        int port = start(Duration.ofMillis(200));
        try (RawHttp c = RawHttp.connect(port)) {
            for (int i = 0; i < 50; i++) {
                assertThat(c.get("/any").status()).isEqualTo(200);
            }
            c.send("GET /any HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            // the 408 is the event awaited here (a blocking read with a 10 s socket timeout)
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
