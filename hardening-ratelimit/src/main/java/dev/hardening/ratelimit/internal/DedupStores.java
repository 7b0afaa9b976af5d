package dev.hardening.ratelimit.internal;

import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.Ticker;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link DedupStore} implementations. Not public API. Thread-safe. */
public final class DedupStores {

    private static final Logger LOG = LoggerFactory.getLogger(DedupStores.class);
    private static final int MAX_ID_LENGTH = 512;

    private DedupStores() {
    }

    static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id: empty (expected: a delivery or idempotency id)");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("id: " + id.length() + " characters (expected: <= "
                    + MAX_ID_LENGTH + "; hash long ids)");
        }
    }

    /**
     * @param ttl        remember time
     * @param maxEntries most ids
     * @param ticker     time source
     * @return a local store
     */
    public static DedupStore local(Duration ttl, int maxEntries, Ticker ticker) {
        return new Local(ttl, maxEntries, ticker);
    }

    /**
     * @param connector      Redis
     * @param prefix         key prefix
     * @param ttl            remember time
     * @param local          fallback and write-through store
     * @param commandTimeout command timeout
     * @return a Redis store
     */
    public static DedupStore redis(RedisConnector connector, String prefix, Duration ttl, DedupStore local,
                                   Duration commandTimeout) {
        return new Redis(connector, prefix, ttl, local, commandTimeout);
    }

    private static final class Local implements DedupStore {
        private final BoundedLruMap<String, Boolean> seen;
        private final Duration ttl;

        Local(Duration ttl, int maxEntries, Ticker ticker) {
            this.ttl = ttl;
            this.seen = new BoundedLruMap<>(maxEntries, ttl.toNanos(), ticker);
        }

        @Override
        public boolean markIfFirst(String id) {
            checkId(id);
            return seen.putIfAbsent(id, Boolean.TRUE);
        }

        @Override
        public void forget(String id) {
            checkId(id);
            seen.remove(id);
        }

        @Override
        public Duration ttl() {
            return ttl;
        }
    }

    private static final class Redis implements DedupStore {
        private final RedisConnector connector;
        private final String prefix;
        private final Duration ttl;
        private final DedupStore local;
        private final long waitNanos;
        private final AtomicBoolean degraded = new AtomicBoolean();

        Redis(RedisConnector connector, String prefix, Duration ttl, DedupStore local, Duration commandTimeout) {
            this.connector = connector;
            this.prefix = prefix;
            this.ttl = ttl;
            this.local = local;
            this.waitNanos = commandTimeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(50);
        }

        @Override
        public boolean markIfFirst(String id) {
            checkId(id);
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
            checkId(id);
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
                LOG.warn("dedup store {}: Redis unavailable, using the local store ({})", prefix,
                        e.getClass().getSimpleName());
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
    }
}
