package dev.hardening.lifecycle;

import dev.hardening.config.Failures;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Lease} alive while work runs under it: renews it to {@code ttl} every third of
 * the ttl on a {@link DelayScheduler}, until {@link #close() closed} or until a renewal reports the
 * lease lost (expired or taken). A renewal that throws (store unreachable) is retried at the next
 * period; the lease then simply runs out on the holder's monotonic clock if the store stays away,
 * so {@link Lease#isValid()} stays the one source of truth for the work.
 *
 * <p>Closing stops renewing; it does not release the lease. Thread-safe.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Lease lease;
    private final Duration ttl;
    private final Duration every;
    private final DelayScheduler scheduler;
    private DelayScheduler.Cancellable pending;
    private boolean closed;
    private boolean lost;

    private LeaseKeeper(Lease lease, Duration ttl, DelayScheduler scheduler) {
        this.lease = lease;
        this.ttl = ttl;
        this.every = Duration.ofNanos(Math.max(1, ttl.toNanos() / 3));
        this.scheduler = scheduler;
    }

    /**
     * Starts renewing; the first renewal is a third of {@code ttl} from now.
     *
     * @param lease     the lease to keep
     * @param ttl       the time to live each renewal asks for
     * @param scheduler waits between renewals (runs the renewal, which blocks for one store round trip)
     * @return the keeper; close it when the work ends
     * @throws IllegalArgumentException if the ttl is not positive
     */
    public static LeaseKeeper start(Lease lease, Duration ttl, DelayScheduler scheduler) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(scheduler, "scheduler");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        LeaseKeeper k = new LeaseKeeper(lease, ttl, scheduler);
        k.scheduleNext();
        return k;
    }

    private synchronized void scheduleNext() {
        if (!closed && !lost) {
            pending = scheduler.schedule(every, this::renewOnce);
        }
    }

    private void renewOnce() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        boolean ok;
        try {
            ok = lease.renew(ttl);
        } catch (RuntimeException e) {
            LOG.warn("lease {}: renewal failed, retrying in {} ms: {}", lease.name(), every.toMillis(), Failures.describe(e));
            ok = true;
        }
        if (!ok) {
            synchronized (this) {
                lost = true;
            }
            if (lease.isValid()) {
                LOG.warn("lease {}: lost while still counted valid; the store says another holder has it", lease.name());
            } else {
                LOG.warn("lease {}: lost (expired or taken over) while work ran under it", lease.name());
            }
            return;
        }
        scheduleNext();
    }

    /** @return whether a renewal found the lease lost; the work should stop (and its fenced writes will fail) */
    public synchronized boolean isLost() {
        return lost;
    }

    /** Stops renewing. Does not release the lease. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }
}
