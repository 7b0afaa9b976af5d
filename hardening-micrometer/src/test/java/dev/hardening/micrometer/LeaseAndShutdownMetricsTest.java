package dev.hardening.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseKeeper;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.lifecycle.LocalLeaseProvider;
import dev.hardening.lifecycle.PeriodicJobs;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.testkit.FakeTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Lease and shutdown meters driven by real leases, a real job scheduler and a real shutdown
 * coordinator on a {@link FakeTime}; the counts are read back from a Prometheus registry.
 */
class LeaseAndShutdownMetricsTest {

    private static final long WAIT_SECONDS = 10;

    private final FakeTime time = FakeTime.create();
    private final DelayScheduler scheduler = (delay, task) -> time.schedule(delay, task)::cancel;
    private final LocalLeaseProvider local = LocalLeaseProvider.create(time, Duration.ZERO);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** A store that can be switched off: every call then throws like an unreachable Redis. */
    private static final class SwitchableStore implements LeaseProvider {
        final LeaseProvider inner;
        final AtomicBoolean down = new AtomicBoolean();

        SwitchableStore(LeaseProvider inner) {
            this.inner = inner;
        }

        void check(String what) {
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

    private double count(String meter, String... tags) {
        return registry.get(meter).tags(tags).counter().count();
    }

    @Test
    void twoReplicasOfAJobCountAcquisitionsAndBusyTicksExactly() {
        LeaseProvider observed = local.withListener(LifecycleMetrics.leaseListener(registry));
        PeriodicJobs r1 = PeriodicJobs.create(observed, scheduler, Runnable::run, time);
        PeriodicJobs r2 = PeriodicJobs.create(observed, scheduler, Runnable::run, time);
        PeriodicJobs.JobSpec spec = PeriodicJobs.JobSpec.every("cleanup", Duration.ofSeconds(60))
                .withMinInterval(Duration.ofSeconds(50));
        PeriodicJobs.Scheduled s1 = r1.schedule(spec, ctx -> { });
        time.advance(Duration.ofSeconds(5));
        PeriodicJobs.Scheduled s2 = r2.schedule(spec, ctx -> { });
        time.advance(Duration.ofMinutes(10));

        assertThat(count(LifecycleMetrics.LEASE_ACQUIRED, "lease", "job:cleanup")).isEqualTo(s1.runs() + s2.runs())
                .isEqualTo(10.0);
        assertThat(count(LifecycleMetrics.LEASE_BUSY, "lease", "job:cleanup")).isEqualTo(s1.skipped() + s2.skipped())
                .isEqualTo(10.0);
        LifecycleMetrics.bind(s1, "cleanup", registry);
        String scrape = registry.scrape();
        // the job's own tag is not Prometheus's reserved "job" label (the scrape target's)
        assertThat(scrape).contains("hardening_lifecycle_job_runs_total{periodic_job=\"cleanup\"} " + s1.runs())
                .contains("hardening_lifecycle_job_skipped_total{periodic_job=\"cleanup\"} " + s1.skipped())
                .doesNotContain("{job=");
        assertThat(scrape).contains("hardening_lifecycle_lease_acquired_total{lease=\"job:cleanup\"} 10.0")
                .contains("hardening_lifecycle_lease_busy_total{lease=\"job:cleanup\"} 10.0")
                .contains("hardening_lifecycle_lease_lost_total{lease=\"job:cleanup\"} 0.0")
                .contains("hardening_lifecycle_lease_renewal_failures_total{lease=\"job:cleanup\",reason=\"unreachable\"} 0.0");
    }

    @Test
    void renewalFailuresByReasonThenTheLossAndFailedAcquisitions() {
        SwitchableStore store = new SwitchableStore(local);
        LeaseProvider observed = store.withListener(LifecycleMetrics.leaseListener(registry));
        Lease lease = observed.tryAcquire("job:sync", Duration.ofSeconds(3)).orElseThrow();
        LeaseKeeper keeper = LeaseKeeper.start(lease, Duration.ofSeconds(3), scheduler);
        time.advance(Duration.ofSeconds(1)); // renewed
        store.down.set(true);
        time.advance(Duration.ofSeconds(1)); // renewal fails
        time.advance(Duration.ofSeconds(1)); // renewal fails
        assertThatThrownBy(() -> observed.tryAcquire("job:sync", Duration.ofSeconds(3)))
                .isInstanceOf(LeaseStoreException.class);
        store.down.set(false);
        time.advance(Duration.ofSeconds(1)); // the store let it expire: lost
        assertThat(keeper.isLost()).isTrue();
        keeper.close();

        assertThat(count(LifecycleMetrics.LEASE_ACQUIRED, "lease", "job:sync")).isEqualTo(1.0);
        assertThat(count(LifecycleMetrics.LEASE_RENEWAL_FAILURES, "lease", "job:sync", "reason", "unreachable"))
                .isEqualTo(2.0);
        assertThat(count(LifecycleMetrics.LEASE_RENEWAL_FAILURES, "lease", "job:sync", "reason", "store_error")).isZero();
        assertThat(count(LifecycleMetrics.LEASE_ACQUIRE_FAILURES, "lease", "job:sync", "reason", "unreachable"))
                .isEqualTo(1.0);
        assertThat(count(LifecycleMetrics.LEASE_LOST, "lease", "job:sync")).isEqualTo(1.0);
        assertThat(registry.scrape()).doesNotContain("store did not answer").doesNotContain("LeaseStoreException");
    }

    @Test
    void aFloodOfLeaseNamesKeepsTheNumberOfMetersBounded() {
        LeaseProvider observed = local.withListener(LifecycleMetrics.leaseListener(registry));
        for (int i = 0; i < LifecycleMetrics.MAX_LEASE_NAMES; i++) {
            observed.tryAcquire("tenant-" + i, Duration.ofSeconds(1)).orElseThrow();
        }
        int bounded = registry.getMeters().size();
        for (int i = LifecycleMetrics.MAX_LEASE_NAMES; i < 5_000; i++) {
            observed.tryAcquire("tenant-" + i, Duration.ofSeconds(1)).orElseThrow();
        }
        int withOther = registry.getMeters().size();
        for (int i = 5_000; i < 10_000; i++) {
            observed.tryAcquire("tenant-" + i, Duration.ofSeconds(1)).orElseThrow();
        }
        assertThat(registry.getMeters()).hasSize(withOther);
        assertThat(withOther - bounded).as("one more set of series: lease=other").isEqualTo(bounded / LifecycleMetrics.MAX_LEASE_NAMES);
        assertThat(count(LifecycleMetrics.LEASE_ACQUIRED, "lease", "other")).isEqualTo(10_000 - LifecycleMetrics.MAX_LEASE_NAMES);
        assertThat(registry.scrape()).doesNotContain("tenant-" + LifecycleMetrics.MAX_LEASE_NAMES + "\"");
    }

    @Test
    void theShutdownListenerRecordsTheReportWhenTheShutdownFinishes() {
        ShutdownCoordinator c = ShutdownCoordinator.builder().timeSource(time).halter(status -> { })
                .listener(LifecycleMetrics.shutdownListener(registry)).build();
        c.register(new Participant("http", 3));
        ShutdownReport report = c.shutdown();

        assertThat(report.exitCode()).isEqualTo(ShutdownReport.EXIT_CUT);
        assertThat(count(LifecycleMetrics.SHUTDOWN_OUTCOMES, "participant", "http", "result", "cut")).isEqualTo(1.0);
        assertThat(count(LifecycleMetrics.SHUTDOWN_CUT, "participant", "http")).isEqualTo(3.0);
        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_PHASE).tag("phase", "drain").timer().count()).isEqualTo(1);
        assertThat(count(LifecycleMetrics.SHUTDOWN_WATCHDOG)).isZero();
    }

    @Test
    void theWatchdogFiringIsCountedBeforeTheHalt() throws Exception {
        CountDownLatch halted = new CountDownLatch(1);
        CountDownLatch hungEntered = new CountDownLatch(1);
        ShutdownCoordinator c = ShutdownCoordinator.builder().timeSource(time).totalBudget(Duration.ofSeconds(2))
                .halter(status -> halted.countDown())
                .logFlush(() -> awaitUninterruptibly(halted)) // the sequence hangs until the halt
                .listener(LifecycleMetrics.shutdownListener(registry)).build();
        c.register(new DrainParticipant() {
            @Override
            public String name() {
                return "hung";
            }

            @Override
            public boolean drain(Deadline deadline) throws InterruptedException {
                hungEntered.countDown();
                awaitUninterruptibly(halted);
                return true;
            }

            @Override
            public long inFlight() {
                return 1;
            }

            @Override
            public void forceStop() {
                awaitUninterruptibly(halted);
            }
        });
        assertThat(count(LifecycleMetrics.SHUTDOWN_WATCHDOG)).as("registered at zero").isZero();
        CompletableFuture<ShutdownReport> running = CompletableFuture.supplyAsync(c::shutdown,
                r -> new Thread(r, "test-shutdown").start());
        assertThat(hungEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        time.advance(Duration.ofSeconds(2)); // past the total budget
        assertThat(halted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        awaitCount(LifecycleMetrics.SHUTDOWN_WATCHDOG, 1.0);
    }

    private void awaitCount(String meter, double expected) throws InterruptedException {
        long deadline = TimeUnit.SECONDS.toMillis(WAIT_SECONDS);
        for (long waited = 0; count(meter) != expected; waited += 10) {
            assertThat(waited).as("%s reaches %s within %d s", meter, expected, WAIT_SECONDS).isLessThan(deadline);
            new CountDownLatch(1).await(10, TimeUnit.MILLISECONDS);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting, like work that ignores interrupts
            }
        }
    }

    /** Drains nothing in time: cut with {@code inFlight} units of work. */
    private record Participant(String name, long inFlight) implements DrainParticipant {
        @Override
        public boolean drain(Deadline deadline) {
            return false;
        }

        @Override
        public void forceStop() {
        }
    }

}
