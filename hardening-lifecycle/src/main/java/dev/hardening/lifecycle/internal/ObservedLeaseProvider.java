package dev.hardening.lifecycle.internal;

import dev.hardening.config.Failures;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseListener;
import dev.hardening.lifecycle.LeaseProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseProvider} that delegates every call and tells a {@link LeaseListener} what
 * happened, after the call and before returning its result; the leases it hands out are wrappers
 * that report renewal failures and a lost lease (once). A listener that throws is logged once at
 * WARN and ignored. Thread-safe if the delegate is. Internal: reached through
 * {@code LeaseProvider.withListener}.
 */
public final class ObservedLeaseProvider implements LeaseProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ObservedLeaseProvider.class);

    private final LeaseProvider delegate;
    private final LeaseListener listener;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /**
     * @param delegate the provider that holds the leases
     * @param listener told about each event
     */
    public ObservedLeaseProvider(LeaseProvider delegate, LeaseListener listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        Optional<Lease> lease;
        try {
            lease = delegate.tryAcquire(name, ttl);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw e; // a caller's mistake, not a store event
        } catch (RuntimeException e) {
            tell(l -> l.acquireFailed(name, e));
            throw e;
        }
        if (lease.isEmpty()) {
            tell(l -> l.busy(name));
            return lease;
        }
        tell(l -> l.acquired(name));
        return Optional.of(new ObservedLease(lease.get()));
    }

    private void tell(Consumer<LeaseListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warn("a lease listener failed; lease calls are unaffected (logged once): {}", Failures.describe(e));
            } else {
                LOG.debug("a lease listener failed again", e);
            }
        }
    }

    @Override
    public String toString() {
        return delegate + " (observed)";
    }

    private final class ObservedLease implements Lease {
        private final Lease lease;
        private final AtomicBoolean released = new AtomicBoolean();
        private final AtomicBoolean lost = new AtomicBoolean();

        ObservedLease(Lease lease) {
            this.lease = lease;
        }

        @Override
        public String name() {
            return lease.name();
        }

        @Override
        public long fencingToken() {
            return lease.fencingToken();
        }

        @Override
        public boolean isValid() {
            return lease.isValid();
        }

        @Override
        public Duration remaining() {
            return lease.remaining();
        }

        @Override
        public boolean renew(Duration ttl) {
            boolean renewed;
            try {
                renewed = lease.renew(ttl);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw e;
            } catch (RuntimeException e) {
                tell(l -> l.renewalFailed(lease.name(), e));
                throw e;
            }
            if (!renewed && !released.get() && lost.compareAndSet(false, true)) {
                tell(l -> l.lost(lease.name()));
            }
            return renewed;
        }

        @Override
        public void releaseAfter(Duration keep) {
            released.set(true);
            lease.releaseAfter(keep);
        }

        @Override
        public String toString() {
            return lease.toString();
        }
    }
}
