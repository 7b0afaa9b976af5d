package dev.hardening.lifecycle.redis;

import dev.hardening.config.Failures;
import dev.hardening.config.TimeSource;
import dev.hardening.config.Checks;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseKeeper;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.lifecycle.internal.RemoteLease;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p><b>Connection.</b> The provider uses the application's own Lettuce connection (standalone,
 * Sentinel or Cluster, with the {@code String} codec); it never opens or
 * closes one. Each command is sent asynchronously and awaited for at most the provider's
 * {@linkplain Builder#commandTimeout command timeout}, whatever the connection's own timeout.
 *
 * <p><b>Shutdown.</b> {@link #releaseAll()} releases every lease still held through this
 * provider; register it with {@code ShutdownCoordinator.onRelease("leases", provider::releaseAll)}
 * so a peer takes over at once instead of after the ttl. {@link #close()} releases too; the
 * connection stays the caller's to close, after it.
 *
 * <p>Failures: when Redis does not answer within the command timeout, {@code tryAcquire},
 * {@code renew} and {@code releaseAfter} throw {@link LeaseStoreException} ({@code UNREACHABLE});
 * a script error is {@code STORE_ERROR}. A lease whose renewals keep failing simply stops being
 * valid on the holder's clock. Thread-safe.
 */
public final class RedisLeaseProvider implements LeaseProvider, AutoCloseable {

    /** Default command timeout: {@value} ms. Lettuce's own default, 60 s, is never used. */
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 500;
    /** Default safety margin: {@value} ms before the expiry a holder stops counting its lease valid. */
    public static final long DEFAULT_SAFETY_MARGIN_MILLIS = 200;
    /** Default longest ttl a lease may ask for: {@value} ms. */
    public static final long DEFAULT_MAX_TTL_MILLIS = 60_000;
    /** Default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "hardening:lease:";

    private static final Logger LOG = LoggerFactory.getLogger(RedisLeaseProvider.class);

    private final String description;
    private final RedisScriptingAsyncCommands<String, String> commands;
    private final long commandTimeoutNanos;
    private final Duration safetyMargin;
    private final Duration maxTtl;
    private final Duration quarantine;
    private final String prefix;
    private final TimeSource clock;
    private final DelayScheduler renewer;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong highestToken = new AtomicLong();
    private final Set<RedisLease> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedisLeaseProvider(Builder b) {
        this.description = b.description;
        this.commands = b.commands;
        this.commandTimeoutNanos = b.commandTimeout.toNanos();
        this.safetyMargin = b.safetyMargin;
        this.maxTtl = b.maxTtl;
        this.quarantine = b.quarantine != null ? b.quarantine : b.maxTtl;
        this.prefix = b.prefix;
        this.clock = b.clock;
        this.renewer = b.renewer;
    }

    /**
     * @param connection the application's connection to a standalone or Sentinel-managed Redis,
     *                   with a {@code String} codec; the caller keeps owning it
     * @return a builder with the documented defaults
     * @throws NullPointerException if {@code connection} is null
     */
    public static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(Checks.notNull(connection, "connection").async(), "redis");
    }

    /**
     * @param connection the application's connection to a Redis Cluster, with a {@code String}
     *                   codec; the caller keeps owning it
     * @return a builder with the documented defaults
     * @throws NullPointerException if {@code connection} is null
     */
    public static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(Checks.notNull(connection, "connection").async(), "redis cluster");
    }

    private <T> T eval(String what, String script, ScriptOutputType type, String[] keys, String... args) {
        if (closed) {
            throw new LeaseStoreException(LeaseStoreException.Reason.CLOSED, what + ": lease provider closed", null);
        }
        RedisFuture<T> f;
        try {
            f = commands.eval(script, type, keys, args);
        } catch (RuntimeException e) {
            throw new LeaseStoreException(LeaseStoreException.Reason.UNREACHABLE, what + ": " + description + " refused the command", e);
        }
        boolean interrupted = false;
        try {
            long end = clock.nanoTime() + commandTimeoutNanos;
            while (true) {
                try {
                    return f.get(Math.max(0, Math.min(commandTimeoutNanos, end - clock.nanoTime())), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    f.cancel(false);
                    throw new LeaseStoreException(LeaseStoreException.Reason.UNREACHABLE,
                            what + ": " + description + " did not answer within " + Duration.ofNanos(commandTimeoutNanos), e);
                } catch (ExecutionException e) {
                    throw new LeaseStoreException(LeaseStoreException.Reason.STORE_ERROR,
                            what + ": " + description + " answered with an error", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String leaseKey(String name) {
        return prefix + "{" + name + "}";
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        Checks.name(name, "name");
        Checks.notNull(ttl, "ttl");
        if (ttl.compareTo(safetyMargin) <= 0 || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > safetyMargin " + safetyMargin
                    + " and <= maxTtl " + maxTtl + ")");
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        String owner = HexFormat.of().formatHex(id);
        String key = leaseKey(name);
        long start = clock.nanoTime();
        List<Object> reply = eval("acquire lease " + name, LeaseScripts.ACQUIRE, ScriptOutputType.MULTI, new String[] {key, key + ":token"},
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
                LOG.warn("lease {}: release failed, it runs out at its ttl: {}", l.name(), Failures.describe(e));
            }
        }
    }

    /** @return how many leases acquired through this provider are neither released nor known lost */
    public int heldCount() {
        return live.size();
    }

    /**
     * Releases every held lease, then refuses further use ({@link LeaseStoreException.Reason#CLOSED}).
     * The connection is not closed: it is the caller's. Idempotent.
     */
    @Override
    public void close() {
        releaseAll();
        closed = true;
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

        /** @throws LeaseStoreException if Redis cannot be reached */
        @Override
        protected boolean renewInStore(Duration ttl) {
            Long ok = eval("renew lease " + name(), LeaseScripts.RENEW, ScriptOutputType.INTEGER, new String[] {key}, owner, Long.toString(ttl.toMillis()));
            return ok != null && ok == 1L;
        }

        /** @throws LeaseStoreException if Redis cannot be reached */
        @Override
        protected void releaseInStore(Duration keep) {
            long ms = Math.max(keep.isZero() ? 0 : 1, keep.toMillis());
            eval("release lease " + name(), LeaseScripts.RELEASE, ScriptOutputType.INTEGER, new String[] {key}, owner, Long.toString(ms));
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
     * Configures a {@link RedisLeaseProvider}. Each option may be set once ({@code "option: already set"}
     * otherwise), is validated at once and rejects {@code null}; unset options take the documented
     * defaults in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final RedisScriptingAsyncCommands<String, String> commands;
        private final String description;
        private Duration commandTimeout;
        private Duration safetyMargin;
        private Duration maxTtl;
        private Duration quarantine;
        private String prefix;
        private TimeSource clock;
        private DelayScheduler renewer;

        private Builder(RedisScriptingAsyncCommands<String, String> commands, String description) {
            this.commands = commands;
            this.description = description;
        }

        /**
         * @param timeout how long one command may take, whatever the connection's own timeout;
         *                default {@value #DEFAULT_COMMAND_TIMEOUT_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException outside 1 ms .. 10 s
         * @throws IllegalStateException    if already set
         */
        public Builder commandTimeout(Duration timeout) {
            commandTimeout = Checks.setOnce(commandTimeout,
                    range("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10)), "commandTimeout");
            return this;
        }

        /**
         * @param margin how much earlier than the store's expiry a holder stops counting its lease
         *               valid: covers clock-rate drift and the command timeout; default
         *               {@value #DEFAULT_SAFETY_MARGIN_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException if negative or above 1 minute
         * @throws IllegalStateException    if already set
         */
        public Builder safetyMargin(Duration margin) {
            safetyMargin = Checks.setOnce(safetyMargin,
                    range("safetyMargin", margin, Duration.ZERO, Duration.ofMinutes(1)), "safetyMargin");
            return this;
        }

        /**
         * @param ttl the longest ttl a lease may ask for; default {@value #DEFAULT_MAX_TTL_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException outside 1 ms .. 1 day
         * @throws IllegalStateException    if already set
         */
        public Builder maxTtl(Duration ttl) {
            maxTtl = Checks.setOnce(maxTtl, range("maxTtl", ttl, Duration.ofMillis(1), Duration.ofDays(1)), "maxTtl");
            return this;
        }

        /**
         * @param q how long a name stays unavailable after its token counter was found missing
         *          (first use, or Redis lost its data); default {@link #maxTtl}. Zero turns it off,
         *          leaving only fencing to protect against a holder from before the loss.
         * @return this
         * @throws IllegalArgumentException if negative or above 1 day
         * @throws IllegalStateException    if already set
         */
        public Builder restartQuarantine(Duration q) {
            quarantine = Checks.setOnce(quarantine,
                    range("restartQuarantine", q, Duration.ZERO, Duration.ofDays(1)), "restartQuarantine");
            return this;
        }

        /**
         * @param keyPrefix prefix of every key; default {@value #DEFAULT_KEY_PREFIX}
         * @return this
         * @throws IllegalArgumentException if blank or containing braces (they would break the hash tag)
         * @throws IllegalStateException    if already set
         */
        public Builder keyPrefix(String keyPrefix) {
            Checks.notNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix: '" + keyPrefix + "' (expected: non-blank, no braces)");
            }
            prefix = Checks.setOnce(prefix, keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * @param timeSource the time source whose monotonic reading measures lease validity and
         *                   command timeouts; default {@link TimeSource#system()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource timeSource) {
            clock = Checks.setOnce(clock, timeSource, "timeSource");
            return this;
        }

        /**
         * Renews every acquired lease in the background (every third of its ttl, a {@link LeaseKeeper})
         * until it is released or lost. Off by default: {@code PeriodicJobs} and {@code StartupGuard}
         * renew the leases they use themselves.
         *
         * @param scheduler runs the renewals (each blocks for one round trip)
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder renewInBackground(DelayScheduler scheduler) {
            renewer = Checks.setOnce(renewer, scheduler, "renewInBackground");
            return this;
        }

        /**
         * @return the provider
         * @throws IllegalArgumentException if the safety margin is not below maxTtl
         */
        public RedisLeaseProvider build() {
            if (commandTimeout == null) {
                commandTimeout = Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MILLIS);
            }
            if (safetyMargin == null) {
                safetyMargin = Duration.ofMillis(DEFAULT_SAFETY_MARGIN_MILLIS);
            }
            if (maxTtl == null) {
                maxTtl = Duration.ofMillis(DEFAULT_MAX_TTL_MILLIS);
            }
            if (prefix == null) {
                prefix = DEFAULT_KEY_PREFIX;
            }
            if (clock == null) {
                clock = TimeSource.system();
            }
            if (safetyMargin.compareTo(maxTtl) >= 0) {
                throw new IllegalArgumentException("safetyMargin: " + safetyMargin + " (expected: < maxTtl " + maxTtl + ")");
            }
            return new RedisLeaseProvider(this);
        }

        private static Duration range(String field, Duration d, Duration min, Duration max) {
            Checks.notNull(d, field);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + ": " + d + " (expected: " + min + " to " + max + ")");
            }
            return d;
        }
    }
}
