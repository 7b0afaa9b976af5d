package dev.hardening.lifecycle;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An in-process {@link LeaseProvider}: correct for a single instance and for tests, not across
 * processes. Expiry is measured on the injected {@link TimeSource}; fencing tokens come from one
 * counter, so they increase per name. At most {@value #MAX_NAMES} names are tracked; expired
 * entries are dropped to make room. Thread-safe.
 */
public final class LocalLeaseProvider implements LeaseProvider {

    /** The most names tracked at once. */
    public static final int MAX_NAMES = 10_000;

    private final TimeSource clock;
    private final Duration safetyMargin;
    private final Map<String, Entry> entries = new HashMap<>();
    private long tokens;

    private static final class Entry {
        Object holder;
        long expiresAt;
    }

    private LocalLeaseProvider(TimeSource clock, Duration safetyMargin) {
        this.clock = clock;
        this.safetyMargin = safetyMargin;
    }

    /**
     * @param timeSource   the time source whose monotonic reading measures expiry
     * @param safetyMargin how much earlier than the expiry a holder stops treating its lease as valid
     * @return a provider
     * @throws IllegalArgumentException if the margin is negative
     * @throws NullPointerException     if an argument is null
     */
    public static LocalLeaseProvider create(TimeSource timeSource, Duration safetyMargin) {
        Checks.notNull(timeSource, "timeSource");
        Checks.nonNegative(safetyMargin, "safetyMargin");
        return new LocalLeaseProvider(timeSource, safetyMargin);
    }

    /** @return a provider on {@link TimeSource#system()} with no safety margin */
    public static LocalLeaseProvider create() {
        return create(TimeSource.system(), Duration.ZERO);
    }

    @Override
    public synchronized Optional<Lease> tryAcquire(String name, Duration ttl) {
        Checks.name(name, "name");
        Checks.positive(ttl, "ttl");
        long now = clock.nanoTime();
        Entry e = entries.get(name);
        if (e != null && e.expiresAt - now > 0) {
            return Optional.empty();
        }
        if (e == null) {
            if (entries.size() >= MAX_NAMES) {
                purge(now);
                if (entries.size() >= MAX_NAMES) {
                    throw new IllegalStateException("lease names: " + entries.size() + " held (expected: at most " + MAX_NAMES + ")");
                }
            }
            e = new Entry();
            entries.put(name, e);
        }
        LocalLease lease = new LocalLease(name, ++tokens, now);
        e.holder = lease;
        e.expiresAt = now + ttl.toNanos();
        lease.validUntil = e.expiresAt - safetyMargin.toNanos();
        return Optional.of(lease);
    }

    private void purge(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            if (it.next().expiresAt - now <= 0) {
                it.remove();
            }
        }
    }

    private final class LocalLease implements Lease {
        private final String name;
        private final long token;
        private long validUntil;
        private boolean released;

        LocalLease(String name, long token, long acquiredAt) {
            this.name = name;
            this.token = token;
            this.validUntil = acquiredAt;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean isValid() {
            synchronized (LocalLeaseProvider.this) {
                return !released && validUntil - clock.nanoTime() > 0 && held();
            }
        }

        @Override
        public Duration remaining() {
            synchronized (LocalLeaseProvider.this) {
                return isValid() ? Duration.ofNanos(validUntil - clock.nanoTime()) : Duration.ZERO;
            }
        }

        private boolean held() {
            Entry e = entries.get(name);
            return e != null && e.holder == this && e.expiresAt - clock.nanoTime() > 0;
        }

        @Override
        public boolean renew(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            synchronized (LocalLeaseProvider.this) {
                if (released || !held()) {
                    return false;
                }
                long now = clock.nanoTime();
                Entry e = entries.get(name);
                e.expiresAt = now + ttl.toNanos();
                validUntil = e.expiresAt - safetyMargin.toNanos();
                return true;
            }
        }

        @Override
        public void releaseAfter(Duration keep) {
            Objects.requireNonNull(keep, "keep");
            synchronized (LocalLeaseProvider.this) {
                if (!released && held()) {
                    Entry e = entries.get(name);
                    if (keep.isNegative() || keep.isZero()) {
                        entries.remove(name);
                    } else {
                        e.expiresAt = clock.nanoTime() + keep.toNanos();
                    }
                }
                released = true;
            }
        }

        @Override
        public String toString() {
            return "Lease[" + name + ", token=" + token + "]";
        }
    }
}
