package dev.hardening.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.DedupStore;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

/**
 * An in-memory {@link DedupStore}: a Caffeine map bounded by size ({@code capacity}, frequency-aware
 * eviction when full) and by time (each id expires {@code ttl} after it was marked), on the injected
 * time source, with maintenance on the calling thread. Not public API; build through
 * {@code DedupStore.local}. Thread-safe.
 */
public final class LocalDedupStore implements DedupStore {

    private final ConcurrentMap<String, Boolean> seen;
    private final Duration ttl;
    private final int capacity;

    /**
     * @param ttl      how long ids are remembered
     * @param capacity most ids held
     * @param time     time source
     */
    public LocalDedupStore(Duration ttl, int capacity, TimeSource time) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.seen = Caffeine.newBuilder()
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .expireAfterWrite(ttl)
                .maximumSize(capacity)
                .<String, Boolean>build()
                .asMap();
    }

    @Override
    public boolean markIfFirst(String id) {
        DedupIds.checkId(id);
        return seen.putIfAbsent(id, Boolean.TRUE) == null;
    }

    @Override
    public void forget(String id) {
        DedupIds.checkId(id);
        seen.remove(id);
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public int localCapacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "LocalDedupStore{capacity=" + capacity + ", ttl=" + ttl + "}";
    }
}
