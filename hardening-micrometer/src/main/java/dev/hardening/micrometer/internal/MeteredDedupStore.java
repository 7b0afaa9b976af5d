package dev.hardening.micrometer.internal;

import dev.hardening.ratelimit.DedupStore;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;

/** A {@link DedupStore} that counts the answers of another. Not API: built by {@code RateLimitMetrics}. Thread-safe. */
public final class MeteredDedupStore implements DedupStore {

    private final DedupStore delegate;
    private final Counter first;
    private final Counter duplicate;

    /**
     * @param delegate  the store that decides
     * @param first     counter of first sightings
     * @param duplicate counter of duplicates
     */
    public MeteredDedupStore(DedupStore delegate, Counter first, Counter duplicate) {
        this.delegate = delegate;
        this.first = first;
        this.duplicate = duplicate;
    }

    @Override
    public boolean markIfFirst(String id) {
        boolean isFirst = delegate.markIfFirst(id);
        (isFirst ? first : duplicate).increment();
        return isFirst;
    }

    @Override
    public void forget(String id) {
        delegate.forget(id);
    }

    @Override
    public Duration ttl() {
        return delegate.ttl();
    }

    @Override
    public int localCapacity() {
        return delegate.localCapacity();
    }

    @Override
    public String toString() {
        return "Metered" + delegate;
    }
}
