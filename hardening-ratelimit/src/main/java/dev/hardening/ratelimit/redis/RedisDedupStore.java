package dev.hardening.ratelimit.redis;

import dev.hardening.config.Failures;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.internal.DedupIds;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SET key 1 NX PX ttl} in Redis, writing through to a bounded local store that answers while
 * Redis cannot (within twice the command timeout). Thread-safe.
 */
final class RedisDedupStore implements DedupStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDedupStore.class);

    private final RedisConnector connector;
    private final String prefix;
    private final Duration ttl;
    private final DedupStore local;
    private final long waitNanos;
    private final AtomicBoolean degraded = new AtomicBoolean();

    RedisDedupStore(RedisConnector connector, String prefix, Duration ttl, DedupStore local, Duration commandTimeout) {
        this.connector = connector;
        this.prefix = prefix;
        this.ttl = ttl;
        this.local = local;
        this.waitNanos = commandTimeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(50);
    }

    @Override
    public boolean markIfFirst(String id) {
        DedupIds.checkId(id);
        boolean locallyFirst = local.markIfFirst(id);
        try {
            String reply = connector.commands()
                    .set(prefix + id, "1", SetArgs.Builder.nx().px(ttl.toMillis()))
                    .toCompletableFuture().get(waitNanos, TimeUnit.NANOSECONDS);
            recovered();
            return "OK".equals(reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return locallyFirst;
        } catch (ExecutionException | TimeoutException | RateLimitUnavailableException e) {
            failed(e);
            return locallyFirst;
        }
    }

    @Override
    public void forget(String id) {
        DedupIds.checkId(id);
        local.forget(id);
        try {
            connector.commands().del(prefix + id).toCompletableFuture().get(waitNanos, TimeUnit.NANOSECONDS);
            recovered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RateLimitUnavailableException e) {
            failed(e);
        }
    }

    private void failed(Exception e) {
        if (degraded.compareAndSet(false, true)) {
            LOG.warn("dedup store {}: Redis unavailable, using the local store: {}", prefix, Failures.describe(e));
        }
    }

    private void recovered() {
        if (degraded.compareAndSet(true, false)) {
            LOG.info("dedup store {}: Redis available again", prefix);
        }
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public int localCapacity() {
        return local.localCapacity();
    }
}
