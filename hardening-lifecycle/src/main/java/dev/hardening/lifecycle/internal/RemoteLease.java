package dev.hardening.lifecycle.internal;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Lease;
import java.time.Duration;
import java.util.Objects;

/**
 * The holder's side of a lease kept in a shared store (Redis, PostgreSQL): validity measured on the
 * holder's monotonic clock from <em>before</em> each store request, minus a safety margin, never by a
 * wall clock; a failed renewal marks the lease lost for good; a release happens once. Subclasses
 * supply only the store operations. Thread-safe.
 */
public abstract class RemoteLease implements Lease {
    private final String name;
    private final long token;
    private final TimeSource clock;
    private final Duration safetyMargin;
    private long validUntil;
    private boolean released;
    private boolean lost;

    /**
     * @param name         the lease name
     * @param token        the fencing token of this acquisition
     * @param start        the monotonic time taken before the acquiring request was sent
     * @param ttl          the ttl the store granted
     * @param clock        the monotonic clock
     * @param safetyMargin how much earlier than the store the holder gives the lease up
     */
    protected RemoteLease(String name, long token, long start, Duration ttl, TimeSource clock, Duration safetyMargin) {
        this.name = name;
        this.token = token;
        this.clock = clock;
        this.safetyMargin = safetyMargin;
        this.validUntil = start + ttl.toNanos() - safetyMargin.toNanos();
    }

    /**
     * Validates a renewal ttl.
     *
     * @param ttl the requested ttl
     * @throws IllegalArgumentException if the store or provider does not accept it
     */
    protected abstract void checkTtl(Duration ttl);

    /**
     * Extends the lease in the store if this holder still owns it.
     *
     * @param ttl the new ttl from now
     * @return whether the store still had this holder's lease and extended it
     */
    protected abstract boolean renewInStore(Duration ttl);

    /**
     * Gives the lease up in the store, keeping the name taken for {@code keep}.
     *
     * @param keep how long no one may acquire it, zero or more
     */
    protected abstract void releaseInStore(Duration keep);

    /** Called once when the lease is released or lost: drop it from the provider's bookkeeping. */
    protected abstract void forgotten();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long fencingToken() {
        return token;
    }

    @Override
    public final synchronized boolean isValid() {
        return !released && !lost && validUntil - clock.nanoTime() > 0;
    }

    @Override
    public final synchronized Duration remaining() {
        return isValid() ? Duration.ofNanos(validUntil - clock.nanoTime()) : Duration.ZERO;
    }

    /** A store error propagates; the lease then stays valid until its current end on the holder's clock. */
    @Override
    public final boolean renew(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        checkTtl(ttl);
        synchronized (this) {
            if (released || lost) {
                return false;
            }
        }
        long start = clock.nanoTime();
        boolean extended = renewInStore(ttl);
        synchronized (this) {
            if (extended && !released && !lost) {
                validUntil = start + ttl.toNanos() - safetyMargin.toNanos();
                return true;
            }
            if (!released) {
                lost = true;
            }
        }
        forgotten();
        return false;
    }

    /** A store error propagates; the lease then runs out at its ttl in the store. */
    @Override
    public final void releaseAfter(Duration keep) {
        Objects.requireNonNull(keep, "keep");
        boolean wasLost;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            wasLost = lost;
        }
        forgotten();
        if (!wasLost) {
            releaseInStore(keep.isNegative() ? Duration.ZERO : keep);
        }
    }

    @Override
    public String toString() {
        return "Lease[" + name + ", token=" + token + "]";
    }
}
