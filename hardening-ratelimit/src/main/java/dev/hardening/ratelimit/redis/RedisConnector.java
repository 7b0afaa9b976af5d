package dev.hardening.ratelimit.redis;

import dev.hardening.config.Failures;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one Lettuce client and its single shared connection, configured to fail fast: a short command
 * timeout, commands rejected while disconnected, quick reconnects, and (Cluster) adaptive plus periodic
 * topology refresh. Connects in the background on first use ({@link #start()}), so a Redis that is down at startup does
 * not block boot;
 * until connected, {@link #commands()} throws at once. Thread-safe.
 */
final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
    private static final long RETRY_CONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final RedisURI standaloneUri;
    private final String description;
    private final CountDownLatch firstConnect = new CountDownLatch(1);
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile long lastAttemptNanos;
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterAsyncCommands<String, String> commands;
    private volatile boolean closed;
    private final TimeSource time;
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param uris           one URI (standalone or Sentinel) or several (Cluster seed nodes)
     * @param cluster        whether to use the Cluster client
     * @param commandTimeout command timeout
     * @param connectTimeout socket connect timeout
     * @param topologyRefresh Cluster periodic topology refresh
     * @param description    a description without credentials, for logs
     * @param time           time source of the reconnect throttle and of {@link #awaitConnected}
     */
    RedisConnector(List<RedisURI> uris, boolean cluster, Duration commandTimeout, Duration connectTimeout,
                          Duration topologyRefresh, String description, TimeSource time) {
        this.description = description;
        this.time = time;
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        // Lettuce bounds a connection's whole setup (TCP connect, TLS, HELLO / AUTH) by the URI's
        // timeout, and commands by the fixed TimeoutOptions above. With the command timeout here, a
        // setup slower than 100 ms never completed and each reconnect timed out the same way
        // (SlowHandshakeIT): setup gets the connect timeout, commands keep theirs.
        Duration setupTimeout = connectTimeout.compareTo(commandTimeout) > 0 ? connectTimeout : commandTimeout;
        for (RedisURI uri : uris) {
            uri.setTimeout(setupTimeout);
        }
        if (cluster) {
            this.client = null;
            this.standaloneUri = null;
            this.clusterClient = RedisClusterClient.create(resources, uris);
            this.clusterClient.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(topologyRefresh)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                            .refreshTriggersReconnectAttempts(2)
                            .build())
                    .build());
        } else {
            this.clusterClient = null;
            this.standaloneUri = uris.get(0);
            this.client = RedisClient.create(resources);
            this.client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .build());
        }
    }

    /** @return whether {@link #start()} was called */
    boolean started() {
        return started.get();
    }

    /** Starts the first connect in the background, once; later calls do nothing. */
    void start() {
        if (started.compareAndSet(false, true)) {
            startConnect();
        }
    }

    /**
     * @return the async commands of the shared connection
     * @throws RateLimitUnavailableException at once if not connected yet (a connect is retried in the
     *     background at most every 500 ms) or closed
     */
    RedisClusterAsyncCommands<String, String> commands() {
        RedisClusterAsyncCommands<String, String> c = commands;
        if (c != null) {
            return c;
        }
        if (closed) {
            throw new RateLimitUnavailableException("Redis connector closed", null);
        }
        if (!started.get()) {
            start();
        } else if (time.nanoTime() - lastAttemptNanos >= RETRY_CONNECT_NANOS) {
            startConnect();
        }
        throw new RateLimitUnavailableException("Redis not connected yet: " + description, null);
    }

    /** @return whether the shared connection exists and is open */
    boolean isConnected() {
        StatefulConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /**
     * Waits for the first successful connect.
     *
     * @param timeout the longest wait
     * @return whether connected within the timeout
     * @throws InterruptedException if interrupted
     */
    boolean awaitConnected(Duration timeout) throws InterruptedException {
        start();
        long deadline = time.nanoTime() + timeout.toNanos();
        while (!firstConnect.await(50, TimeUnit.MILLISECONDS)) {
            if (time.nanoTime() - deadline >= 0) {
                return false;
            }
            if (time.nanoTime() - lastAttemptNanos >= RETRY_CONNECT_NANOS) {
                startConnect();
            }
        }
        return true;
    }

    private void startConnect() {
        if (closed || !connecting.compareAndSet(false, true)) {
            return;
        }
        lastAttemptNanos = time.nanoTime();
        CompletableFuture<? extends StatefulConnection<String, String>> future;
        try {
            if (clusterClient != null) {
                // connectAsync needs the topology loaded first; getPartitions() loads it (blocking, off-thread)
                future = CompletableFuture.runAsync(clusterClient::getPartitions)
                        .thenCompose(ignored -> clusterClient.connectAsync(StringCodec.UTF8));
            } else {
                future = client.connectAsync(StringCodec.UTF8, standaloneUri).toCompletableFuture();
            }
        } catch (RuntimeException e) {
            connecting.set(false);
            LOG.warn("redis connect to {} failed: {}", description, Failures.describe(e));
            return;
        }
        future.whenComplete((conn, error) -> {
            try {
                if (error != null) {
                    LOG.warn("redis connect to {} failed: {}", description, Failures.describe(error));
                    return;
                }
                if (closed) {
                    conn.closeAsync();
                    return;
                }
                connection = conn;
                if (conn instanceof StatefulRedisClusterConnection) {
                    commands = ((StatefulRedisClusterConnection<String, String>) conn).async();
                } else {
                    commands = ((StatefulRedisConnection<String, String>) conn).async();
                }
                LOG.info("redis connected: {}", description);
                firstConnect.countDown();
            } finally {
                connecting.set(false);
            }
        });
    }

    /** @return the description without credentials */
    String description() {
        return description;
    }

    /** Closes the connection, the client and its threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        StatefulConnection<String, String> c = connection;
        commands = null;
        connection = null;
        if (c != null) {
            c.close();
        }
        if (clusterClient != null) {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } else {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
