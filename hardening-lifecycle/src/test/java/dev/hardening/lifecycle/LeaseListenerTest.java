package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link LeaseProvider#withListener}: what the listener is told, on a {@link FakeTime}, with real leases. */
class LeaseListenerTest {

    private final FakeTime time = FakeTime.create();
    private final DelayScheduler scheduler = (delay, task) -> time.schedule(delay, task)::cancel;
    private final LocalLeaseProvider local = LocalLeaseProvider.create(time, Duration.ZERO);
    private final List<String> events = new CopyOnWriteArrayList<>();

    private final LeaseListener recording = new LeaseListener() {
        @Override
        public void acquired(String name) {
            events.add("acquired " + name);
        }

        @Override
        public void busy(String name) {
            events.add("busy " + name);
        }

        @Override
        public void acquireFailed(String name, RuntimeException error) {
            events.add("acquireFailed " + name + " " + reason(error));
        }

        @Override
        public void renewalFailed(String name, RuntimeException error) {
            events.add("renewalFailed " + name + " " + reason(error));
        }

        @Override
        public void lost(String name) {
            events.add("lost " + name);
        }
    };

    private static String reason(RuntimeException e) {
        return e instanceof LeaseStoreException s ? s.reason().name() : "other";
    }

    /** A lease whose store can be switched off: renew throws like an unreachable Redis. */
    private static final class FlakyStore implements LeaseProvider {
        final LocalLeaseProvider inner;
        final AtomicBoolean down = new AtomicBoolean();

        FlakyStore(LocalLeaseProvider inner) {
            this.inner = inner;
        }

        private void check(String what) {
            if (down.get()) {
                throw new LeaseStoreException(LeaseStoreException.Reason.UNREACHABLE, what + ": store did not answer", null);
            }
        }

        @Override
        public Optional<Lease> tryAcquire(String name, Duration ttl) {
            check("acquire lease " + name);
            return inner.tryAcquire(name, ttl).map(l -> new Lease() {
                @Override
                public String name() {
                    return l.name();
                }

                @Override
                public long fencingToken() {
                    return l.fencingToken();
                }

                @Override
                public boolean isValid() {
                    return l.isValid();
                }

                @Override
                public Duration remaining() {
                    return l.remaining();
                }

                @Override
                public boolean renew(Duration t) {
                    check("renew lease " + name);
                    return l.renew(t);
                }

                @Override
                public void releaseAfter(Duration keep) {
                    l.releaseAfter(keep);
                }
            });
        }
    }

    @Test
    void toldOfAcquisitionsBusyNamesAndALostLeaseOnce() {
        LeaseProvider observed = local.withListener(recording);
        Lease a = observed.tryAcquire("job:report", Duration.ofSeconds(1)).orElseThrow();
        assertThat(observed.tryAcquire("job:report", Duration.ofSeconds(1))).isEmpty();
        time.advance(Duration.ofSeconds(1)); // expired: a peer takes it
        Lease b = observed.tryAcquire("job:report", Duration.ofSeconds(1)).orElseThrow();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(a.renew(Duration.ofSeconds(1))).isFalse();
        assertThat(a.renew(Duration.ofSeconds(1))).as("the same answer as without a listener").isFalse();
        assertThat(b.renew(Duration.ofSeconds(1))).isTrue();
        assertThat(events).containsExactly("acquired job:report", "busy job:report", "acquired job:report",
                "lost job:report");
    }

    @Test
    void aReleasedLeaseIsNotReportedLost() {
        LeaseProvider observed = local.withListener(recording);
        Lease a = observed.tryAcquire("x", Duration.ofSeconds(1)).orElseThrow();
        a.close();
        assertThat(a.renew(Duration.ofSeconds(1))).isFalse();
        assertThat(events).containsExactly("acquired x");
    }

    @Test
    void storeFailuresAreReportedAndRethrownUnchanged() {
        FlakyStore store = new FlakyStore(local);
        LeaseProvider observed = store.withListener(recording);
        Lease a = observed.tryAcquire("x", Duration.ofSeconds(3)).orElseThrow();
        store.down.set(true);
        assertThatThrownBy(() -> a.renew(Duration.ofSeconds(3))).isInstanceOf(LeaseStoreException.class)
                .hasMessage("renew lease x: store did not answer");
        assertThatThrownBy(() -> observed.tryAcquire("y", Duration.ofSeconds(3)))
                .isInstanceOf(LeaseStoreException.class).hasMessage("acquire lease y: store did not answer");
        assertThat(events).containsExactly("acquired x", "renewalFailed x UNREACHABLE", "acquireFailed y UNREACHABLE");
    }

    @Test
    void aCallersMistakeIsNotAStoreEvent() {
        LeaseProvider observed = local.withListener(recording);
        assertThatThrownBy(() -> observed.tryAcquire(" ", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void aListenerThatThrowsChangesNoResult() {
        LeaseProvider observed = local.withListener(new LeaseListener() {
            @Override
            public void acquired(String name) {
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void busy(String name) {
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void lost(String name) {
                throw new IllegalStateException("listener broke");
            }
        });
        Lease a = observed.tryAcquire("x", Duration.ofSeconds(1)).orElseThrow();
        assertThat(a.isValid()).isTrue();
        assertThat(observed.tryAcquire("x", Duration.ofSeconds(1))).isEmpty();
        time.advance(Duration.ofSeconds(1));
        assertThat(local.tryAcquire("x", Duration.ofSeconds(1))).isPresent();
        assertThat(a.renew(Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void aKeeperRenewingThroughTheObservedProviderReportsFailuresThenTheLoss() {
        FlakyStore store = new FlakyStore(local);
        LeaseProvider observed = store.withListener(recording);
        Lease a = observed.tryAcquire("job:sync", Duration.ofSeconds(3)).orElseThrow();
        LeaseKeeper keeper = LeaseKeeper.start(a, Duration.ofSeconds(3), scheduler);
        time.advance(Duration.ofSeconds(1)); // renewed
        store.down.set(true);
        time.advance(Duration.ofSeconds(1)); // renewal fails, retried
        time.advance(Duration.ofSeconds(1)); // fails again
        store.down.set(false);
        time.advance(Duration.ofSeconds(1)); // the lease ran out on the store: lost
        assertThat(keeper.isLost()).isTrue();
        assertThat(events).containsExactly("acquired job:sync", "renewalFailed job:sync UNREACHABLE",
                "renewalFailed job:sync UNREACHABLE", "lost job:sync");
        keeper.close();
    }

    @Test
    void periodicJobsOnTheObservedProviderReportEachRunsLeaseAndTheSkippedTicks() {
        LeaseProvider observed = local.withListener(recording);
        PeriodicJobs r1 = PeriodicJobs.create(observed, scheduler, Runnable::run, time);
        PeriodicJobs r2 = PeriodicJobs.create(observed, scheduler, Runnable::run, time);
        PeriodicJobs.JobSpec spec = PeriodicJobs.JobSpec.every("cleanup", Duration.ofSeconds(60))
                .withMinInterval(Duration.ofSeconds(50));
        r1.schedule(spec, ctx -> { });
        time.advance(Duration.ofSeconds(5));
        r2.schedule(spec, ctx -> { });
        time.advance(Duration.ofMinutes(3));
        assertThat(events).containsExactly("acquired job:cleanup", "busy job:cleanup", "acquired job:cleanup",
                "busy job:cleanup", "acquired job:cleanup", "busy job:cleanup");
    }
}
