package dev.hardening.lifecycle;

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
}
