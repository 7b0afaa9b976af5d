package dev.hardening.samples.grpc;

import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.lifecycle.redis.RedisLeaseProvider;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job leases in Redis ({@code REDIS_URI}), on a connection opened in the background, so that a
 * Redis that is down at boot neither stops the boot nor lets a job run without its fenced lease.
 * Until the first connection succeeds, {@link #tryAcquire} throws {@link LeaseStoreException}
 * ({@code UNREACHABLE}), which {@code PeriodicJobs} counts as a skipped tick; a failed connect is
 * tried again every {@link #RETRY}. Once connected, a {@link RedisLeaseProvider} serves every call:
 * Lettuce reconnects by itself after an outage, and the provider's command timeout turns one into
 * {@code UNREACHABLE} again. Thread-safe.
 */
final class RedisJobLeases implements LeaseProvider {

    /** Time between two connect attempts while Redis cannot be reached. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** Socket connect timeout of one attempt. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(RedisJobLeases.class);

    private final RedisClient client;
    private final RedisURI uri;
    private final String where;
    private final ScheduledExecutorService timer;
    private final Duration restartQuarantine;
    private volatile RedisLeaseProvider leases;
    private StatefulRedisConnection<String, String> connection; // guarded by this
    private boolean closed; // guarded by this
    private boolean toldUnreachable; // guarded by this

    private RedisJobLeases(RedisURI uri, ScheduledExecutorService timer, Duration restartQuarantine) {
        this.uri = uri;
        this.where = uri.getHost() + ":" + uri.getPort(); // never the password
        this.timer = timer;
        this.restartQuarantine = restartQuarantine;
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
    }

    /**
     * Starts connecting in the background; never waits and never fails for an unreachable Redis.
     *
     * @param redisUri          {@code REDIS_URI} (standalone)
     * @param timer             runs the retries and the lease renewals
     * @param restartQuarantine see {@link RedisLeaseProvider.Builder#restartQuarantine}
     * @return the lease store
     * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI
     */
    static RedisJobLeases connect(String redisUri, ScheduledExecutorService timer, Duration restartQuarantine) {
        RedisJobLeases leases = new RedisJobLeases(RedisURI.create(redisUri), timer, restartQuarantine);
        leases.attempt();
        return leases;
    }

    private void attempt() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, error) -> {
            if (error != null) {
                retryLater();
            } else {
                connected(c);
            }
        });
    }

    private void retryLater() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!toldUnreachable) {
                toldUnreachable = true;
                LOG.warn("job leases: Redis at {} unreachable; jobs wait for it (no run without a fenced lease), "
                        + "connecting again every {} ms", where, RETRY.toMillis());
            }
        }
        timer.schedule(this::attempt, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connected(StatefulRedisConnection<String, String> c) {
        synchronized (this) {
            if (closed) {
                c.closeAsync();
                return;
            }
            connection = c;
            leases = RedisLeaseProvider.builder(c)
                    .restartQuarantine(restartQuarantine)
                    .renewInBackground(DelayScheduler.of(timer))
                    .build();
        }
        LOG.info("job leases: Redis at {} reachable; jobs run under their fenced leases", where);
    }

    /** @return whether the connection to Redis was established (it may have dropped since) */
    boolean isConnected() {
        return leases != null;
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        RedisLeaseProvider l = leases;
        if (l == null) {
            throw new LeaseStoreException(LeaseStoreException.Reason.UNREACHABLE,
                    "tryAcquire " + name + ": Redis at " + where + " not reached yet", null);
        }
        return l.tryAcquire(name, ttl);
    }

    /** Releases the leases held, closes the connection and the client. Idempotent. */
    void close() {
        StatefulRedisConnection<String, String> c;
        RedisLeaseProvider l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = connection;
            l = leases;
        }
        if (l != null) {
            l.close();
        }
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
