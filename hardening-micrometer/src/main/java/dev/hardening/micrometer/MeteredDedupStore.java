package dev.hardening.micrometer;

import dev.hardening.ratelimit.DedupStore;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;

/** A {@link DedupStore} that counts the answers of another. Thread-safe. */
final class MeteredDedupStore implements DedupStore {

    private final DedupStore delegate;
    private final Counter first;
    private final Counter duplicate;

    MeteredDedupStore(DedupStore delegate, Counter first, Counter duplicate) {
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
