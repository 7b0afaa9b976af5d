package dev.hardening.lifecycle.redis;

import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.internal.RemoteLease;
import dev.hardening.lifecycle.LeaseKeeper;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.NanoClock;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseProvider} on Redis: at most one holder per name across every process that uses
 * the same Redis, with a fencing token that increases with each acquisition. One round trip per
 * operation, each a Lua script:
 *
 * <ul>
 *   <li><b>acquire</b> — if the lease key is absent: {@code INCR} the name's token counter and
 *       {@code SET lease owner PX ttl}; the owner is 128 random bits per acquisition.</li>
 *   <li><b>renew</b> — {@code PEXPIRE} only if the key still holds this owner (compare-and-set).</li>
 *   <li><b>release</b> — {@code DEL} (or keep the name claimed for a while) only if it still
 *       holds this owner, so a stale holder never frees its successor's lease.</li>
 * </ul>
 *
 * <p><b>Cluster.</b> Both keys of a name share a hash tag ({@code <prefix>{<name>}} and
 * {@code <prefix>{<name>}:token}), so every script touches one slot.
 *
 * <p><b>Time.</b> A holder counts its lease valid until the moment taken on its own monotonic
 * clock <em>before</em> the request was sent, plus the ttl, minus the safety margin; the same for
 * each renewal. Redis expires the key no earlier than ttl after it ran the script, which is later,
 * so the holder stops first. Wall clocks are never used for lease time.
 *
 * <p><b>Data loss.</b> If Redis restarts empty (or fails over to a replica that missed the
 * write), the token counter is gone. The next acquisition then (a) restarts the counter above
 * Redis's clock in microseconds and above the highest token this provider has seen, so tokens
 * keep increasing, and (b) quarantines the name for {@link Builder#restartQuarantine} (default
 * {@link Builder#maxTtl}), long enough that any holder from before the loss has stopped counting
 * its lease valid. The same quarantine applies to the very first use of a name. Even so, the
 * fencing token is the guarantee: protected writes must carry it and the resource must reject a
 * token lower than the highest it has seen.
 *
 * <p><b>Shutdown.</b> {@link #releaseAll()} releases every lease still held through this
 * provider; register it with {@code ShutdownCoordinator.onRelease("leases", provider::releaseAll)}
 * so a peer takes over at once instead of after the ttl. {@link #close()} releases and closes the
 * client.
 *
 * <p>Failures: when Redis cannot be reached within the command timeout, {@code tryAcquire},
 * {@code renew} and {@code releaseAfter} throw {@link RedisLeaseException}; a lease whose renewals
 * keep failing simply stops being valid on the holder's clock. Thread-safe.
 */
public final class RedisLeaseProvider implements LeaseProvider, AutoCloseable {

    /** Default command timeout: {@value} ms. Lettuce's own default, 60 s, is never used. */
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 500;
    /** Default connect timeout: {@value} ms. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 1000;
    /** Default safety margin: {@value} ms before the expiry a holder stops counting its lease valid. */
    public static final long DEFAULT_SAFETY_MARGIN_MILLIS = 200;
    /** Default longest ttl a lease may ask for: {@value} ms. */
    public static final long DEFAULT_MAX_TTL_MILLIS = 60_000;
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "hardening:lease:";

    private static final Logger LOG = LoggerFactory.getLogger(RedisLeaseProvider.class);

    private final String description;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final RedisURI standaloneUri;
    private final Duration safetyMargin;
    private final Duration maxTtl;
    private final Duration quarantine;
    private final String prefix;
    private final NanoClock clock;
    private final DelayScheduler renewer;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong highestToken = new AtomicLong();
    private final Set<RedisLease> live = ConcurrentHashMap.newKeySet();
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisScriptingCommands<String, String> commands;
    private volatile boolean closed;

    private RedisLeaseProvider(Builder b) {
        this.description = b.description;
        this.safetyMargin = b.safetyMargin;
        this.maxTtl = b.maxTtl;
        this.quarantine = b.quarantine != null ? b.quarantine : b.maxTtl;
        this.prefix = b.prefix;
        this.clock = b.clock;
        this.renewer = b.renewer;
        SocketOptions socket = SocketOptions.builder().connectTimeout(b.connectTimeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(b.commandTimeout);
        for (RedisURI uri : b.uris) {
            uri.setTimeout(b.commandTimeout);
        }
        if (b.uris.size() > 1) {
            this.client = null;
            this.standaloneUri = null;
            this.clusterClient = RedisClusterClient.create(b.uris);
            this.clusterClient.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket).timeoutOptions(timeouts).build());
        } else {
            this.clusterClient = null;
            this.standaloneUri = b.uris.get(0);
            this.client = RedisClient.create();
            this.client.setOptions(ClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket).timeoutOptions(timeouts).build());
        }
    }

    /**
     * @param uri a Redis URI ({@code redis://host:port}, {@code rediss://…}, {@code redis-sentinel://…}),
     *            or several comma-separated {@code redis://} URIs: the seed nodes of a Cluster
     * @return a builder with the documented defaults
     * @throws IllegalArgumentException if the URI is blank or malformed
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    private RedisScriptingCommands<String, String> commands() {
        RedisScriptingCommands<String, String> c = commands;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new RedisLeaseException("lease provider closed: " + description, null);
            }
            if (commands == null) {
                try {
                    if (clusterClient != null) {
                        StatefulRedisClusterConnection<String, String> conn = clusterClient.connect(StringCodec.UTF8);
                        connection = conn;
                        commands = conn.sync();
                    } else {
                        StatefulRedisConnection<String, String> conn = client.connect(StringCodec.UTF8, standaloneUri);
                        connection = conn;
                        commands = conn.sync();
                    }
                } catch (RuntimeException e) {
                    throw new RedisLeaseException("Redis unreachable: " + description, e);
                }
            }
            return commands;
        }
    }

    private <T> T eval(String script, ScriptOutputType type, String[] keys, String... args) {
        try {
            return commands().eval(script, type, keys, args);
        } catch (RedisLeaseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RedisLeaseException("Redis lease command failed on " + description + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private String leaseKey(String name) {
        return prefix + "{" + name + "}";
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ttl, "ttl");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: a lease name such as job:cleanup)");
        }
        if (ttl.compareTo(safetyMargin) <= 0 || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > safetyMargin " + safetyMargin
                    + " and <= maxTtl " + maxTtl + ")");
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        String owner = HexFormat.of().formatHex(id);
        String key = leaseKey(name);
        long start = clock.nanoTime();
        List<Object> reply = eval(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, new String[] {key, key + ":token"},
                owner, Long.toString(ttl.toMillis()), Long.toString(quarantine.toMillis()), Long.toString(highestToken.get()));
        if (((Long) reply.get(0)) != 1L) {
            return Optional.empty();
        }
        long token = (Long) reply.get(1);
        highestToken.accumulateAndGet(token, Math::max);
        RedisLease lease = new RedisLease(name, key, owner, token, start, ttl);
        live.add(lease);
        if (renewer != null) {
            lease.keeper(LeaseKeeper.start(lease, ttl, renewer));
        }
        return Optional.of(lease);
    }

    /**
     * Releases every lease still held through this provider (each at once, best effort: a lease
     * whose release fails runs out at its ttl). For the shutdown coordinator's release phase.
     */
    public void releaseAll() {
        for (RedisLease l : new ArrayList<>(live)) {
            try {
                l.releaseAfter(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.warn("lease {}: release failed, it runs out at its ttl: {}", l.name(), e.toString());
            }
        }
    }

    /** @return how many leases acquired through this provider are neither released nor known lost */
    public int heldCount() {
        return live.size();
    }

    /** Releases every held lease, then closes the connection and the client. Idempotent. */
    @Override
    public void close() {
        releaseAll();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        StatefulConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        if (clusterClient != null) {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } else {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public String toString() {
        return "RedisLeaseProvider[" + description + "]";
    }

    private final class RedisLease extends RemoteLease {
        private final String key;
        private final String owner;
        private LeaseKeeper keeper;

        RedisLease(String name, String key, String owner, long token, long start, Duration ttl) {
            super(name, token, start, ttl, clock, safetyMargin);
            this.key = key;
            this.owner = owner;
        }

        synchronized void keeper(LeaseKeeper k) {
            keeper = k;
        }

        @Override
        protected void checkTtl(Duration ttl) {
            if (ttl.compareTo(safetyMargin) <= 0 || ttl.compareTo(maxTtl) > 0) {
                throw new IllegalArgumentException("ttl: " + ttl + " (expected: > safetyMargin " + safetyMargin
                        + " and <= maxTtl " + maxTtl + ")");
            }
        }

        /** @throws RedisLeaseException if Redis cannot be reached */
        @Override
        protected boolean renewInStore(Duration ttl) {
            Long ok = eval(LeaseScripts.RENEW, ScriptOutputType.INTEGER, new String[] {key}, owner, Long.toString(ttl.toMillis()));
            return ok != null && ok == 1L;
        }

        /** @throws RedisLeaseException if Redis cannot be reached */
        @Override
        protected void releaseInStore(Duration keep) {
            long ms = Math.max(keep.isZero() ? 0 : 1, keep.toMillis());
            eval(LeaseScripts.RELEASE, ScriptOutputType.INTEGER, new String[] {key}, owner, Long.toString(ms));
        }

        @Override
        protected void forgotten() {
            live.remove(this);
            LeaseKeeper k;
            synchronized (this) {
                k = keeper;
            }
            if (k != null) {
                k.close();
            }
        }
    }

    /**
     * Configures a {@link RedisLeaseProvider}. Each setter validates at once. Not thread-safe.
     */
    public static final class Builder {
        private final List<RedisURI> uris = new ArrayList<>();
        private final String description;
        private Duration commandTimeout = Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MILLIS);
        private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
        private Duration safetyMargin = Duration.ofMillis(DEFAULT_SAFETY_MARGIN_MILLIS);
        private Duration maxTtl = Duration.ofMillis(DEFAULT_MAX_TTL_MILLIS);
        private Duration quarantine;
        private String prefix = DEFAULT_KEY_PREFIX;
        private NanoClock clock = NanoClock.system();
        private DelayScheduler renewer;

        private Builder(String uri) {
            Objects.requireNonNull(uri, "uri");
            if (uri.isBlank()) {
                throw new IllegalArgumentException("uri: blank (expected: redis://host:port)");
            }
            StringBuilder hosts = new StringBuilder();
            for (String part : uri.split(",")) {
                RedisURI u;
                try {
                    u = RedisURI.create(part.trim());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("uri: malformed (expected: redis://host:port[,redis://host:port...])", e);
                }
                uris.add(u);
                hosts.append(hosts.length() == 0 ? "" : ",").append(u.getHost()).append(':').append(u.getPort());
            }
            this.description = (uris.size() > 1 ? "cluster " : "") + hosts;
        }

        /**
         * @param timeout how long one command may take; default {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException outside 1 ms .. 10 s
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = range("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10));
            return this;
        }

        /**
         * @param timeout how long a connect may take; default {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException outside 1 ms .. 30 s
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = range("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(30));
            return this;
        }

        /**
         * @param margin how much earlier than the store's expiry a holder stops counting its lease
         *               valid: covers clock-rate drift and the command timeout; default
         *               {@value #DEFAULT_SAFETY_MARGIN_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException if negative or above 1 minute
         */
        public Builder safetyMargin(Duration margin) {
            this.safetyMargin = range("safetyMargin", margin, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param ttl the longest ttl a lease may ask for; default {@value #DEFAULT_MAX_TTL_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException outside 1 ms .. 1 day
         */
        public Builder maxTtl(Duration ttl) {
            this.maxTtl = range("maxTtl", ttl, Duration.ofMillis(1), Duration.ofDays(1));
            return this;
        }

        /**
         * @param q how long a name stays unavailable after its token counter was found missing
         *          (first use, or Redis lost its data); default {@link #maxTtl}. Zero turns it off,
         *          leaving only fencing to protect against a holder from before the loss.
         * @return this
         * @throws IllegalArgumentException if negative or above 1 day
         */
        public Builder restartQuarantine(Duration q) {
            this.quarantine = range("restartQuarantine", q, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * @param keyPrefix prefix of every key; default {@value #DEFAULT_KEY_PREFIX}
         * @return this
         * @throws IllegalArgumentException if blank or containing braces (they would break the hash tag)
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix: '" + keyPrefix + "' (expected: non-blank, no braces)");
            }
            this.prefix = keyPrefix;
            return this;
        }

        /**
         * @param clock the monotonic clock lease validity is measured on; default {@link NanoClock#system()}
         * @return this
         */
        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Renews every acquired lease in the background (every third of its ttl, a {@link LeaseKeeper})
         * until it is released or lost. Off by default: {@code PeriodicJobs} and {@code StartupGuard}
         * renew the leases they use themselves.
         *
         * @param scheduler runs the renewals (each blocks for one round trip)
         * @return this
         */
        public Builder renewInBackground(DelayScheduler scheduler) {
            this.renewer = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @return the provider; it connects on first use
         * @throws IllegalArgumentException if the safety margin is not below maxTtl
         */
        public RedisLeaseProvider build() {
            if (safetyMargin.compareTo(maxTtl) >= 0) {
                throw new IllegalArgumentException("safetyMargin: " + safetyMargin + " (expected: < maxTtl " + maxTtl + ")");
            }
            return new RedisLeaseProvider(this);
        }

        private static Duration range(String field, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, field);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: " + min + " .. " + max + ")");
            }
            return d;
        }
    }
}
