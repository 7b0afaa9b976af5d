package dev.hardening.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.testkit.RedisServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis whose connections take longer to set up than a command may take: the TCP connect,
 * TLS and Lettuce's handshake (HELLO, AUTH) are bounded by the connect timeout (1 s by default), not
 * by the 100 ms command timeout. Before, Lettuce's handshake timer ran on the command timeout, and a
 * Redis 100 ms or more away in handshake time (TLS to another zone, a busy server after a failover)
 * was never connected: each attempt timed out and the next began.
 */
class SlowHandshakeIT {

    /** How long the proxy holds a new connection before it is joined to Redis. */
    private static final Duration SETUP = Duration.ofMillis(300);

    private RedisServers.Server redis;
    private DelayingProxy proxy;
    private RedisBackend backend;

    @BeforeEach
    void start() throws IOException {
        redis = RedisServers.standalone();
        proxy = new DelayingProxy(redis.port(), SETUP);
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        proxy.close();
        redis.close();
    }

    @Test
    void connectsWhenTheHandshakeTakesLongerThanACommandMay() throws InterruptedException {
        backend = RedisBackend.connect("redis://127.0.0.1:" + proxy.port());
        assertThat(RedisBackend.DEFAULT_COMMAND_TIMEOUT).isLessThan(SETUP);
        assertThat(RedisBackend.DEFAULT_CONNECT_TIMEOUT).isGreaterThan(SETUP);

        assertThat(backend.awaitConnected(Duration.ofSeconds(10)))
                .as("connected through a 300 ms connection setup").isTrue();
        RateLimiter limiter = backend.limiter(RateLimitPolicy.parse("2/1m"));
        Decision first = limiter.tryAcquire("slow-handshake");
        assertThat(first.allowed()).isTrue();
        assertThat(first.source()).isEqualTo(DecisionSource.REDIS);
        assertThat(limiter.tryAcquire("slow-handshake").allowed()).isTrue();
        assertThat(limiter.tryAcquire("slow-handshake").allowed()).isFalse();
        assertThat(proxy.accepted()).as("one connection, not a reconnect loop").isEqualTo(1);
    }

    /** A loopback TCP proxy to a port that holds each new connection for a while before joining it. */
    static final class DelayingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final int target;
        private final Duration hold;
        private volatile int accepted;

        DelayingProxy(int target, Duration hold) throws IOException {
            this.target = target;
            this.hold = hold;
            this.listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(this::acceptLoop, "delaying-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int accepted() {
            return accepted;
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    accepted++;
                    sockets.add(client);
                    Thread t = new Thread(() -> join(client), "delaying-proxy-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void join(Socket client) {
            // the slow part of the connection's setup: what the client sends waits in the socket
            LockSupport.parkNanos(hold.toNanos());
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(server);
                pump(server.getInputStream(), client.getOutputStream(), client, server);
                pump(client.getInputStream(), server.getOutputStream(), client, server);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }

        private static void pump(InputStream in, OutputStream out, Socket client, Socket server) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // either side closed
                } finally {
                    closeQuietly(client);
                    closeQuietly(server);
                }
            }, "delaying-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() {
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing
            }
            sockets.forEach(DelayingProxy::closeQuietly);
        }
    }
}
