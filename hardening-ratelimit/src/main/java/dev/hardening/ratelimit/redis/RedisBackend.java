package dev.hardening.ratelimit.redis;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitSpecException;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.SharedBackend;
import dev.hardening.ratelimit.internal.DedupIds;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Redis connection for limiters and dedup stores, in one of three topologies — standalone, Sentinel
 * or Cluster — configured to fail fast instead of inheriting Lettuce's 60 s defaults: command timeout
 * {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms, commands rejected while disconnected, reconnect backoff
 * 20 ms..1 s, connect timeout 1 s (bounding a connection's whole setup: TCP connect, TLS and the
 * HELLO / AUTH handshake), and for Cluster adaptive plus 1 s periodic topology refresh.
 *
 * <p>URIs: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} (standalone),
 * {@code redis-sentinel://[password@]host[:port][,host[:port]]...#masterId} (Sentinel), or a
 * comma-separated list of {@code redis://host:port} seed nodes (Cluster; a single seed may be written
 * {@code redis-cluster://host:port}). Credentials never appear in {@link #toString()} or logs.
 *
 * <p>Connects in the background on first use (a limiter or dedup store asked for, or
 * {@link #awaitConnected}): a Redis that is down at startup does not block boot, and decisions fail
 * fast (and fall back, behind {@link RateLimiter#resilient}) until it is up; a backend that is never
 * used never connects. Hands out limiters ({@link #limiter}, {@link #limiterBuilder}) and dedup stores
 * ({@link #dedupStore}), and reports its posture as startup findings ({@code HR-R001} command timeout
 * above {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms WARNs; {@code HR-R002} plain-text Redis to a
 * non-loopback host in production WARNs).
 *
 * <p>Lettuce ({@code io.lettuce:lettuce-core}) is an optional dependency of hardening-ratelimit: add it
 * to use this package. Thread-safe; close it on shutdown (or hand it to {@code RateLimiting}, which does).
 */
public final class RedisBackend implements SharedBackend {

    /** Default key prefix of limiter keys. */
    public static final String DEFAULT_KEY_PREFIX = "rl:";

    /** Default command timeout in milliseconds. */
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 100;
    /** Default command timeout. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MILLIS);
    /** Default connect timeout: TCP connect, TLS and handshake of a new connection. */
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
    private final TimeSource time;

    private RedisBackend(Builder b) {
        this.topology = b.topology;
        this.commandTimeout = b.commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : b.commandTimeout;
        this.time = b.time == null ? TimeSource.system() : b.time;
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
        this.connector = new RedisConnector(b.uris, topology == Topology.CLUSTER, commandTimeout,
                b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout,
                b.topologyRefresh == null ? DEFAULT_TOPOLOGY_REFRESH : b.topologyRefresh,
                topology + " " + hosts, time);
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
     * A builder for a server already described as a Lettuce {@link RedisURI} — for instance the one an
     * application's own Redis client (Spring Data Redis) is configured with — so its credentials and
     * TLS settings need not be written back into a URI string. The URI's own timeout is replaced by
     * the backend's command timeout; the backend opens its own fail-fast connection.
     *
     * @param uri one standalone server, or a Sentinel URI with a master id
     * @return a builder with the defaults above ({@link Topology#STANDALONE} or {@link Topology#SENTINEL})
     * @throws NullPointerException   if {@code uri} is null
     * @throws RateLimitSpecException with reason {@code BAD_REDIS_URI} if it names neither a host nor
     *     sentinels with a master id
     */
    public static Builder builder(RedisURI uri) {
        return new Builder(Checks.notNull(uri, "uri"));
    }

    /**
     * @param uriSpec a {@code REDIS_URI} value
     * @return a backend with the defaults; connects in the background on first use
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
        return connector.awaitConnected(Checks.nonNegative(timeout, "timeout"));
    }

    /** @return whether a connect was ever started (a backend never used never connects) */
    boolean connectStarted() {
        return connector.started();
    }

    /** @return the connector, started */
    RedisConnector connector() {
        connector.start();
        return connector;
    }

    /**
     * @param policy the limits to enforce
     * @return a limiter with key prefix {@value #DEFAULT_KEY_PREFIX} and fresh counters: one
     *     {@code EVALSHA} per decision, concurrent decisions for one key coalesced into one (see
     *     {@link LimiterBuilder}); throws {@code RateLimitUnavailableException} when Redis cannot answer
     * @throws NullPointerException if {@code policy} is null
     */
    @Override
    public RateLimiter limiter(RateLimitPolicy policy) {
        return limiterBuilder(policy).build();
    }

    /**
     * @param policy the limits to enforce
     * @return a builder of a limiter on this backend
     * @throws NullPointerException if {@code policy} is null
     */
    public LimiterBuilder limiterBuilder(RateLimitPolicy policy) {
        return new LimiterBuilder(this, policy);
    }

    /**
     * @param namespace key namespace such as {@code github}, 1 to 64 letters, digits, {@code . _ -};
     *                  keys are {@code dedup:<namespace>:<id>}
     * @param ttl       how long ids are remembered, 1 s to 30 days
     * @return a Redis store writing through to, and falling back on, a local store of
     *     {@value DedupStore#DEFAULT_LOCAL_CAPACITY} ids
     * @throws IllegalArgumentException for a bad namespace or TTL
     */
    @Override
    public DedupStore dedupStore(String namespace, Duration ttl) {
        DedupIds.checkNamespace(namespace);
        Duration t = DedupIds.checkTtl(ttl);
        return new RedisDedupStore(connector(), "dedup:" + namespace + ":", t,
                DedupStore.local(t, DedupStore.DEFAULT_LOCAL_CAPACITY, time), commandTimeout);
    }

    @Override
    public String description() {
        return "Redis " + topology + " " + hosts + (tls ? " tls" : "");
    }

    @Override
    public List<Finding> findings(AppEnvironment env) {
        List<Finding> out = new ArrayList<>();
        long timeoutMs = commandTimeout.toMillis();
        if (commandTimeout.compareTo(DEFAULT_COMMAND_TIMEOUT) > 0) {
            out.add(Finding.warn("HR-R001", "every network call has a timeout", "REDIS_URI",
                    "Redis command timeout " + timeoutMs + " ms: a slow Redis delays every request that long",
                    "keep the command timeout at or below " + DEFAULT_COMMAND_TIMEOUT_MILLIS + " ms"));
        } else {
            out.add(Finding.pass("HR-R001", "every network call has a timeout", "REDIS_URI",
                    "Redis command timeout " + timeoutMs + " ms, commands rejected while disconnected", "none"));
        }
        boolean loopback = hosts.stream().allMatch(h -> h.startsWith("127.") || h.startsWith("localhost:")
                || h.startsWith("[::1]") || h.startsWith("::1:"));
        if (env.isProduction() && !tls && !loopback) {
            out.add(Finding.warn("HR-R002", "12-factor IV: backing services", "REDIS_URI",
                    "Redis reached without TLS over the network", "use rediss:// in production"));
        }
        return out;
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

    /**
     * Builds a limiter on a {@link RedisBackend}: one {@code EVALSHA} of a server-side token-bucket
     * script per decision (one key per caller, so Cluster-safe), every limit of the policy checked and
     * charged atomically, time read from Redis' clock. Hot keys are coalesced: while a call for a key
     * is in flight, further decisions for that key from this limiter wait and then go together (up to
     * 128) in one call, which takes their costs in arrival order at one instant and returns each
     * caller's own decision, exactly what separate calls would return; a decision with no call in
     * flight for its key is sent at once, with no batching delay. Keys are named
     * {@code <prefix><policy fingerprint>:<caller key>} and expiring once their bucket would be full
     * again. A value under the key that is not a bucket of this policy is replaced by a full bucket and
     * counted in {@link RateLimitCounters#corruptValues()}. Each option may be set once. Not thread-safe.
     */
    public static final class LimiterBuilder {
        private final RedisBackend backend;
        private final RateLimitPolicy policy;
        private String keyPrefix;
        private RateLimitCounters counters;

        private LimiterBuilder(RedisBackend backend, RateLimitPolicy policy) {
            this.backend = backend;
            this.policy = Checks.notNull(policy, "policy");
        }

        /**
         * @param prefix key namespace, 1 to 64 characters without whitespace; default {@value #DEFAULT_KEY_PREFIX}
         * @return this
         * @throws IllegalArgumentException if malformed
         * @throws IllegalStateException    if already set
         */
        public LimiterBuilder keyPrefix(String prefix) {
            Checks.notNull(prefix, "keyPrefix");
            if (prefix.isEmpty() || prefix.length() > 64 || prefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix: '" + prefix
                        + "' (expected: 1 to 64 characters without whitespace)");
            }
            this.keyPrefix = Checks.setOnce(this.keyPrefix, prefix, "keyPrefix");
            return this;
        }

        /**
         * @param counters counters to update (to share them with other components); default fresh ones
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public LimiterBuilder counters(RateLimitCounters counters) {
            this.counters = Checks.setOnce(this.counters, counters, "counters");
            return this;
        }

        /** @return the limiter; thread-safe */
        public RateLimiter build() {
            return new RedisScriptLimiter(backend.connector(), policy,
                    keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix,
                    counters == null ? new RateLimitCounters() : counters, backend.commandTimeout);
        }
    }

    /** Builds a {@link RedisBackend}; every setter validates at once and may be called once. Not thread-safe. */
    public static final class Builder {
        private final List<RedisURI> uris = new ArrayList<>();
        private final Topology topology;
        private Duration commandTimeout;
        private Duration connectTimeout;
        private Duration topologyRefresh;
        private TimeSource time;

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

        private Builder(RedisURI uri) {
            if (!uri.getSentinels().isEmpty()) {
                if (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isEmpty()) {
                    throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                            "uri: sentinels without a master id (expected: a sentinel master id)");
                }
                topology = Topology.SENTINEL;
            } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new RateLimitSpecException(RateLimitSpecException.Reason.BAD_REDIS_URI,
                        "uri: no host (expected: a host or sentinels)");
            } else {
                topology = Topology.STANDALONE;
            }
            uris.add(uri);
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
         * @param timeout per-command timeout, 1 ms to 10 s; default {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder commandTimeout(Duration timeout) {
            checkRange("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10));
            this.commandTimeout = Checks.setOnce(this.commandTimeout, timeout, "commandTimeout");
            return this;
        }

        /**
         * @param timeout bound of a new connection's setup (TCP connect, TLS, HELLO / AUTH, and the master
         *                lookup through Sentinel), 1 ms to 30 s; default 1 s. Commands keep the command
         *                timeout
         * @return this
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder connectTimeout(Duration timeout) {
            checkRange("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(30));
            this.connectTimeout = Checks.setOnce(this.connectTimeout, timeout, "connectTimeout");
            return this;
        }

        /**
         * @param period Cluster periodic topology refresh, 100 ms to 1 min; default 1 s
         * @return this
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder topologyRefresh(Duration period) {
            checkRange("topologyRefresh", period, Duration.ofMillis(100), Duration.ofMinutes(1));
            this.topologyRefresh = Checks.setOnce(this.topologyRefresh, period, "topologyRefresh");
            return this;
        }

        /**
         * @param timeSource time of the reconnect throttle, {@link #awaitConnected} and the local dedup
         *                   fallbacks; default {@link TimeSource#system()}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Checks.setOnce(this.time, timeSource, "timeSource");
            return this;
        }

        private static void checkRange(String name, Duration value, Duration min, Duration max) {
            Checks.notNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
            }
        }

        /** @return the backend; connects in the background on first use */
        public RedisBackend build() {
            return new RedisBackend(this);
        }
    }
}
