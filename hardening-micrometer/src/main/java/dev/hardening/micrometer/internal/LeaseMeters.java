package dev.hardening.micrometer.internal;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.LeaseListener;
import dev.hardening.lifecycle.LeaseStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LeaseListener} that counts lease events per lease name. The first event of a name
 * registers all of that name's meters at zero. At most {@code maxNames} names get their own
 * series; further names, and names that are not valid tag values, share {@code other}. Not API:
 * built by {@code LifecycleMetrics}. Thread-safe.
 */
public final class LeaseMeters implements LeaseListener {

    /** The tag value of names beyond the bound or not valid as tag values. */
    public static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxNames;
    private final String acquired;
    private final String busy;
    private final String lost;
    private final String acquireFailures;
    private final String renewalFailures;
    private final Map<String, PerLease> byName = new ConcurrentHashMap<>();

    /**
     * @param registry        where the meters go
     * @param maxNames        how many names get their own series
     * @param acquired        meter name of acquisitions
     * @param busy            meter name of names found held elsewhere
     * @param lost            meter name of leases lost
     * @param acquireFailures meter name of acquisitions that failed on the store
     * @param renewalFailures meter name of renewals that failed on the store
     */
    public LeaseMeters(MeterRegistry registry, int maxNames, String acquired, String busy, String lost,
                       String acquireFailures, String renewalFailures) {
        this.registry = registry;
        this.maxNames = maxNames;
        this.acquired = acquired;
        this.busy = busy;
        this.lost = lost;
        this.acquireFailures = acquireFailures;
        this.renewalFailures = renewalFailures;
    }

    private final class PerLease {
        final Counter acquiredCount;
        final Counter busyCount;
        final Counter lostCount;
        final Map<Reason, Counter> acquireFailed = new EnumMap<>(Reason.class);
        final Map<Reason, Counter> renewalFailed = new EnumMap<>(Reason.class);

        PerLease(String lease) {
            acquiredCount = Counter.builder(acquired).description("leases acquired").tag("lease", lease).register(registry);
            busyCount = Counter.builder(busy).description("acquisitions that found the lease held elsewhere")
                    .tag("lease", lease).register(registry);
            lostCount = Counter.builder(lost).description("leases lost (expired or taken) while held")
                    .tag("lease", lease).register(registry);
            for (Reason r : Reason.values()) {
                acquireFailed.put(r, Counter.builder(acquireFailures).description("lease acquisitions that failed on the store")
                        .tag("lease", lease).tag("reason", r.tag).register(registry));
                renewalFailed.put(r, Counter.builder(renewalFailures).description("lease renewals that failed on the store")
                        .tag("lease", lease).tag("reason", r.tag).register(registry));
            }
        }
    }

    /** The bounded reason tag: a {@link LeaseStoreException.Reason}, or {@code other}. */
    private enum Reason {
        UNREACHABLE, STORE_ERROR, CLOSED, OTHER;

        final String tag = name().toLowerCase(Locale.ROOT);

        static Reason of(RuntimeException e) {
            if (e instanceof LeaseStoreException s) {
                for (Reason r : values()) {
                    if (r.name().equals(s.reason().name())) {
                        return r;
                    }
                }
            }
            return OTHER;
        }
    }

    private PerLease meters(String name) {
        PerLease known = name == null ? null : byName.get(name);
        if (known != null) {
            return known;
        }
        String tag = tagFor(name);
        PerLease existing = byName.get(tag);
        if (existing != null) {
            return existing;
        }
        synchronized (byName) {
            int named = byName.containsKey(OTHER) ? byName.size() - 1 : byName.size();
            if (!tag.equals(OTHER) && !byName.containsKey(tag) && named >= maxNames) {
                tag = OTHER;
            }
            return byName.computeIfAbsent(tag, PerLease::new);
        }
    }

    private static String tagFor(String name) {
        try {
            return Checks.name(name, "lease");
        } catch (IllegalArgumentException | NullPointerException e) {
            return OTHER;
        }
    }

    @Override
    public void acquired(String name) {
        meters(name).acquiredCount.increment();
    }

    @Override
    public void busy(String name) {
        meters(name).busyCount.increment();
    }

    @Override
    public void acquireFailed(String name, RuntimeException error) {
        meters(name).acquireFailed.get(Reason.of(error)).increment();
    }

    @Override
    public void renewalFailed(String name, RuntimeException error) {
        meters(name).renewalFailed.get(Reason.of(error)).increment();
    }

    @Override
    public void lost(String name) {
        meters(name).lostCount.increment();
    }
}
