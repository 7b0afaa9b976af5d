package dev.hardening.ratelimit;

import dev.hardening.ratelimit.internal.RedisConnector;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A Redis connection for limiters and dedup stores, in one of three topologies — standalone, Sentinel
 * or Cluster — configured to fail fast instead of inheriting Lettuce's 60 s defaults: command timeout
 * {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms, commands rejected while disconnected, reconnect backoff
 * 20 ms..1 s, connect timeout 1 s, and for Cluster adaptive plus 1 s periodic topology refresh.
 *
 * <p>URIs: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} (standalone),
 * {@code redis-sentinel://[password@]host[:port][,host[:port]]...#masterId} (Sentinel), or a
 * comma-separated list of {@code redis://host:port} seed nodes (Cluster; a single seed may be written
 * {@code redis-cluster://host:port}). Credentials never appear in {@link #toString()} or logs.
 *
 * <p>Connects in the background: a Redis that is down at startup does not block boot, and decisions fail
 * fast (and fall back, behind a {@link ResilientRateLimiter}) until it is up. Thread-safe; close it on
 * shutdown.
 */
public final class RedisBackend implements AutoCloseable {

    /** Default command timeout in milliseconds. */
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 100;
    /** Default command timeout. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MILLIS);
    /** Default socket connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Default Cluster periodic topology refresh. */
    public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(1);

    /** How the backend reaches Redis. */
    public enum Topology {
        /** One server (possibly with replicas it does not use). */
        STANDALONE,
        /** The master found through Sentinel, followed across failovers. */
        SENTINEL,
        /** A Redis Cluster; keys are routed by slot. */
        CLUSTER
    }

    private final RedisConnector connector;
    private final Topology topology;
    private final Duration commandTimeout;
    private final boolean tls;
    private final List<String> hosts;

    private RedisBackend(Builder b) {
        this.topology = b.topology;
        this.commandTimeout = b.commandTimeout;
        this.tls = b.uris.stream().allMatch(RedisURI::isSsl);
        List<String> h = new ArrayList<>();
        for (RedisURI uri : b.uris) {
            if (uri.getSentinels().isEmpty()) {
                h.add(uri.getHost() + ":" + uri.getPort());
            } else {
                for (RedisURI s : uri.getSentinels()) {
                    h.add(s.getHost() + ":" + s.getPort());
                }
            }
        }
        this.hosts = List.copyOf(h);
        this.connector = new RedisConnector(b.uris, topology == Topology.CLUSTER, b.commandTimeout,
                b.connectTimeout, b.topologyRefresh, topology + " " + hosts);
    }

    /**
     * @param uriSpec a {@code REDIS_URI} value (see the class documentation)
     * @return a builder with the defaults above
     * @throws RateLimitSpecException with reason {@code BAD_REDIS_URI} for a malformed value
     */
    public static Builder builder(String uriSpec) {
        return new Builder(uriSpec);
    }

    /**
     * @param uriSpec a {@code REDIS_URI} value
     * @return a backend with the defaults, connecting in the background
     * @throws RateLimitSpecException with reason {@code BAD_REDIS_URI} for a malformed value
     */
    public static RedisBackend connect(String uriSpec) {
        return builder(uriSpec).build();
    }

    /** @return the topology */
    public Topology topology() {
        return topology;
    }

    /** @return the command timeout */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** @return whether every connection uses TLS ({@code rediss://}) */
    public boolean isTls() {
        return tls;
    }

    /** @return the configured hosts as {@code host:port}, without credentials */
    public List<String> hosts() {
        return hosts;
    }

    /** @return whether the shared connection is currently open */
    public boolean isConnected() {
        return connector.isConnected();
    }

    /**
     * Waits until the first connection is established (for startup and tests; decisions never wait).
     *
     * @param timeout the longest wait
     * @return whether connected in time
     * @throws InterruptedException if interrupted
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return connector.awaitConnected(timeout);
    }

    RedisConnector connector() {
        return connector;
    }

    /** Closes the connection and the client's threads. Idempotent. */
    @Override
    public void close() {
        connector.close();
    }

    @Override
    public String toString() {
        return "RedisBackend{" + topology + " " + hosts + (tls ? " tls" : "") + "}";
    }

    /** Builds a {@link RedisBackend}; every setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final List<RedisURI> uris = new ArrayList<>();
        private final Topology topology;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration topologyRefresh = DEFAULT_TOPOLOGY_REFRESH;

        private Builder(String spec) {
            if (spec == null || spec.isBlank()) {
                throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                        "REDIS_URI: empty (expected: redis://host:port, redis-sentinel://...#master, "
                                + "or a comma-separated list of cluster nodes)");
            }
            String s = spec.strip();
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://")) {
                RedisURI uri = parse(s);
                if (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isEmpty()) {
                    throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                            "REDIS_URI: sentinel URI without a master id (expected: ...#mymaster)");
                }
                uris.add(uri);
                topology = Topology.SENTINEL;
            } else if (lower.startsWith("redis-cluster://") || s.contains(",")) {
                String list = lower.startsWith("redis-cluster://") ? s.substring("redis-cluster://".length()) : s;
                for (String item : list.split(",")) {
                    String node = item.strip();
                    if (node.isEmpty()) {
                        continue;
                    }
                    uris.add(parse(node.contains("://") ? node : "redis://" + node));
                }
                if (uris.isEmpty()) {
                    throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                            "REDIS_URI: no cluster nodes (expected: redis://host:port,redis://host:port)");
                }
                topology = Topology.CLUSTER;
            } else {
                uris.add(parse(s));
                topology = Topology.STANDALONE;
            }
        }

        private static RedisURI parse(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            if (!(lower.startsWith("redis://") || lower.startsWith("rediss://")
                    || lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://"))) {
                throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                        "REDIS_URI: unsupported scheme (expected: redis://, rediss://, redis-sentinel:// "
                                + "or a comma-separated node list)");
            }
            try {
                RedisURI uri = RedisURI.create(text);
                if (uri.getSentinels().isEmpty() && (uri.getHost() == null || uri.getHost().isEmpty())) {
                    throw new IllegalArgumentException("no host");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                // never echo the text: it may hold a password
                throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                        "REDIS_URI: malformed (" + e.getClass().getSimpleName()
                                + "; expected: redis://[user:password@]host[:port][/db])");
            }
        }

        /**
         * @param timeout per-command timeout, 1 ms..10 s; default {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms
         * @return this
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = checkRange("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10));
            return this;
        }

        /**
         * @param timeout socket connect timeout, 1 ms..30 s; default 1 s
         * @return this
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkRange("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(30));
            return this;
        }

        /**
         * @param period Cluster periodic topology refresh, 100 ms..1 min; default 1 s
         * @return this
         */
        public Builder topologyRefresh(Duration period) {
            this.topologyRefresh = checkRange("topologyRefresh", period, Duration.ofMillis(100), Duration.ofMinutes(1));
            return this;
        }

        private static Duration checkRange(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " .. " + max + ")");
            }
            return value;
        }

        /** @return the backend, connecting in the background */
        public RedisBackend build() {
            return new RedisBackend(this);
        }
    }
}
