package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseAndJobsTest {

    private final FakeTime time = FakeTime.create();
    private final DelayScheduler scheduler = (delay, task) -> time.schedule(delay, task)::cancel;
    private final LocalLeaseProvider leases = LocalLeaseProvider.create(time, Duration.ofMillis(100));

    @Test
    void oneHolderAtATimeWithIncreasingFencingTokens() {
        Lease a = leases.tryAcquire("x", Duration.ofSeconds(1)).orElseThrow();
        assertThat(leases.tryAcquire("x", Duration.ofSeconds(1))).isEmpty();
        assertThat(a.isValid()).isTrue();
        time.advance(Duration.ofMillis(950));
        assertThat(a.isValid()).as("safety margin: invalid 100 ms before expiry").isFalse();
        assertThat(leases.tryAcquire("x", Duration.ofSeconds(1))).isEmpty();
        time.advance(Duration.ofMillis(60));
        Lease b = leases.tryAcquire("x", Duration.ofSeconds(1)).orElseThrow();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(a.renew(Duration.ofSeconds(1))).as("a stale holder cannot renew").isFalse();
        a.close();
        assertThat(b.isValid()).as("a stale release does not free the new holder's lease").isTrue();
        b.close();
        Lease c = leases.tryAcquire("x", Duration.ofSeconds(1)).orElseThrow();
        assertThat(c.fencingToken()).isGreaterThan(b.fencingToken());
    }

    @Test
    void releaseAfterKeepsTheNameClaimed() {
        Lease a = leases.tryAcquire("x", Duration.ofSeconds(10)).orElseThrow();
        a.releaseAfter(Duration.ofSeconds(3));
        assertThat(a.isValid()).isFalse();
        time.advance(Duration.ofMillis(2999));
        assertThat(leases.tryAcquire("x", Duration.ofSeconds(1))).isEmpty();
        time.advance(Duration.ofMillis(1));
        assertThat(leases.tryAcquire("x", Duration.ofSeconds(1))).isPresent();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> leases.tryAcquire(" ", Duration.ofSeconds(1))).hasMessageStartingWith("name: ' ' (expected: letters, digits");
        assertThatThrownBy(() -> leases.tryAcquire("x", Duration.ZERO)).hasMessage("ttl: PT0S (expected: > PT0S)");
    }

    @Test
    void twoReplicasRunAJobOncePerIntervalAndSkipWhenHeld() {
        AtomicInteger runs = new AtomicInteger();
        List<Long> tokens = new ArrayList<>();
        PeriodicJobs r1 = PeriodicJobs.create(leases, scheduler, Runnable::run, time);
        PeriodicJobs r2 = PeriodicJobs.create(leases, scheduler, Runnable::run, time);
        PeriodicJobs.JobSpec spec = PeriodicJobs.JobSpec.every("cleanup", Duration.ofSeconds(60))
                .withMinInterval(Duration.ofSeconds(50));
        PeriodicJobs.Job job = ctx -> {
            runs.incrementAndGet();
            tokens.add(ctx.fencingToken());
        };
        PeriodicJobs.Scheduled s1 = r1.schedule(spec, job);
        time.advance(Duration.ofSeconds(5)); // replica 2 boots 5 s later: its ticks are shifted
        PeriodicJobs.Scheduled s2 = r2.schedule(spec, job);
        time.advance(Duration.ofMinutes(10));
        assertThat(runs.get()).isEqualTo(10);
        assertThat(s1.runs() + s2.runs()).isEqualTo(10);
        assertThat(s2.skipped()).isEqualTo(10);
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void misfireSkipDropsMissedTicksAndRunOnceRunsImmediately() {
        AtomicInteger skipRuns = new AtomicInteger();
        AtomicInteger onceRuns = new AtomicInteger();
        PeriodicJobs jobs = PeriodicJobs.create(leases, scheduler, Runnable::run, time);
        PeriodicJobs.Scheduled skip = jobs.schedule(PeriodicJobs.JobSpec.every("skip", Duration.ofSeconds(10))
                .withLeaseTtl(Duration.ofMinutes(1)), ctx -> {
                    if (skipRuns.incrementAndGet() == 1) {
                        time.advance(Duration.ofSeconds(35)); // a run that overran 3.5 intervals
                    }
                });
        time.advance(Duration.ofSeconds(10));
        assertThat(skip.misfires()).isEqualTo(1);
        assertThat(skipRuns.get()).isEqualTo(1);
        time.advance(Duration.ofSeconds(5)); // next aligned tick is at t=50 s
        assertThat(skipRuns.get()).isEqualTo(2);

        PeriodicJobs.Scheduled once = jobs.schedule(PeriodicJobs.JobSpec.every("once", Duration.ofSeconds(10))
                .withLeaseTtl(Duration.ofMinutes(1)).withMinInterval(Duration.ZERO).withMisfire(PeriodicJobs.Misfire.RUN_ONCE), ctx -> {
                    if (onceRuns.incrementAndGet() == 1) {
                        time.advance(Duration.ofSeconds(35));
                    }
                });
        time.advance(Duration.ofSeconds(10));
        long lateRunEnded = time.nanoTime();
        time.advance(Duration.ZERO); // the catch-up run is due at once: no time passes
        assertThat(time.nanoTime()).isEqualTo(lateRunEnded);
        assertThat(once.misfires()).isEqualTo(1);
        assertThat(onceRuns.get()).as("ran again right after the late run").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRunLongerThanTheLeaseTtlKeepsTheLeaseRenewed() {
        List<Boolean> validDuringRun = new ArrayList<>();
        List<Boolean> peerGotIt = new ArrayList<>();
        PeriodicJobs r1 = PeriodicJobs.create(leases, scheduler, Runnable::run, time);
        PeriodicJobs.JobSpec spec = PeriodicJobs.JobSpec.every("long", Duration.ofMinutes(1))
                .withLeaseTtl(Duration.ofSeconds(3)).withMinInterval(Duration.ZERO);
        PeriodicJobs.Scheduled s = r1.schedule(spec, ctx -> {
            for (int i = 0; i < 10; i++) {
                time.advance(Duration.ofSeconds(1)); // ten seconds of work under a 3 s lease
                validDuringRun.add(ctx.lease().isValid());
                peerGotIt.add(leases.tryAcquire("job:long", Duration.ofSeconds(3)).isPresent());
            }
        });
        time.advance(Duration.ofMinutes(1));
        assertThat(s.runs()).isEqualTo(1);
        assertThat(validDuringRun).hasSize(10).containsOnly(true);
        assertThat(peerGotIt).containsOnly(false);
        assertThat(leases.tryAcquire("job:long", Duration.ofSeconds(3))).as("released after the run").isPresent();
        assertThat(time.pending()).as("no renewal left scheduled after the run").isEqualTo(1);
    }

    @Test
    void drainingStopsTicks() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        PeriodicJobs jobs = PeriodicJobs.create(leases, scheduler, Runnable::run, time);
        jobs.schedule(PeriodicJobs.JobSpec.every("j", Duration.ofSeconds(1)), ctx -> runs.incrementAndGet());
        time.advance(Duration.ofMillis(3500));
        assertThat(runs.get()).isEqualTo(3);
        jobs.drainSignal();
        time.advance(Duration.ofSeconds(10));
        assertThat(runs.get()).isEqualTo(3);
        assertThat(jobs.drain(Deadline.after(Duration.ofSeconds(1)))).isTrue();
    }

    @Test
    void startupGuardSerialisesConcurrentReplicas() throws Exception {
        LocalLeaseProvider real = LocalLeaseProvider.create();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    return StartupGuard.runExclusively(real, "migrate", Duration.ofSeconds(5), Duration.ofSeconds(20), () -> {
                        int n = inside.incrementAndGet();
                        maxInside.accumulateAndGet(n, Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        return n;
                    });
                }));
            }
            go.countDown();
            for (Future<Integer> f : fs) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(maxInside.get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void startupGuardGivesUpAfterMaxWait() {
        LocalLeaseProvider real = LocalLeaseProvider.create();
        Optional<Lease> held = real.tryAcquire("startup:migrate", Duration.ofMinutes(1));
        assertThat(held).isPresent();
        assertThatThrownBy(() -> StartupGuard.runExclusively(real, "migrate", Duration.ofSeconds(5), Duration.ofMillis(120), () -> 1))
                .isInstanceOf(StartupGuard.LeaseUnavailableException.class).hasMessageContaining("still held");
    }
}
