package dev.hardening.lifecycle;

import dev.hardening.config.Checks;
import dev.hardening.lifecycle.internal.ObservedLeaseProvider;
import java.time.Duration;
import java.util.Optional;

/**
 * A store of {@link Lease}s: {@link LocalLeaseProvider} for one process (single-instance
 * deployments and tests); shared backends (Redis, PostgreSQL) give the cross-replica guarantee.
 * Implementations must be thread-safe, must never hand the same name to two holders whose leases
 * are both unexpired, and must hand out strictly increasing fencing tokens per name.
 */
@FunctionalInterface
public interface LeaseProvider {

    /**
     * Claims a name if nobody holds it; never waits.
     *
     * @param name the name, such as {@code job:cleanup}
     * @param ttl  how long the lease lasts unless renewed or released
     * @return the lease, or empty if someone else holds the name (or it is kept after a release)
     * @throws IllegalArgumentException if the name is blank or the ttl not positive
     */
    Optional<Lease> tryAcquire(String name, Duration ttl);

    /**
     * Returns this provider with a listener told about every acquisition, name held elsewhere,
     * store failure, renewal failure and lost lease of the leases taken through the returned
     * provider. Pass the returned provider to {@link PeriodicJobs}, {@link StartupGuard} and
     * {@link LeaseKeeper} users; keep the original for backend-specific calls (such as
     * {@code releaseAll()}). Renewals a provider makes by itself on its own leases (such as
     * {@code RedisLeaseProvider}'s {@code renewInBackground}) are not seen: renew through the
     * returned provider's leases instead. A listener that throws never changes a lease call's
     * result (logged once at WARN). The returned provider is thread-safe if this one is.
     *
     * @param listener the listener
     * @return a provider delegating to this one and telling the listener
     * @throws NullPointerException if {@code listener} is null
     */
    default LeaseProvider withListener(LeaseListener listener) {
        return new ObservedLeaseProvider(this, Checks.notNull(listener, "listener"));
    }
}
