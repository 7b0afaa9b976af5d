package dev.hardening.lifecycle.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.FencedResource;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.lifecycle.PeriodicJobs;
import dev.hardening.config.TimeSource;
import dev.hardening.testkit.RedisServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisLeaseIT {

    private static final Duration TTL = Duration.ofMillis(600);
    private static final Duration MARGIN = Duration.ofMillis(100);
    private static RedisServers.Server redis;
    private static RedisClient client;
    private static final ConcurrentLinkedQueue<StatefulRedisConnection<String, String>> CONNECTIONS =
            new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServers.standalone();
        client = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        for (StatefulRedisConnection<String, String> c : CONNECTIONS) {
            c.close();
        }
        client.shutdown();
        redis.close();
    }

    /** Each provider on its own connection of the application's client, as separate replicas would be. */
    private static StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = client.connect();
        CONNECTIONS.add(c);
        return c;
    }

    private static RedisLeaseProvider provider() {
        return RedisLeaseProvider.builder(connection()).commandTimeout(Duration.ofMillis(300))
                .safetyMargin(MARGIN).maxTtl(Duration.ofSeconds(2)).restartQuarantine(TTL).build();
    }

    private static Lease acquireWithin(RedisLeaseProvider p, String name, Duration ttl, Duration timeout) {
        Deadline d = Deadline.after(timeout);
        while (true) {
            try {
                Optional<Lease> l = p.tryAcquire(name, ttl);
                if (l.isPresent()) {
                    return l.get();
                }
            } catch (LeaseStoreException e) {
                // Redis restarting: poll again
            }
            assertThat(d.isExpired()).as("acquired " + name + " within " + timeout).isFalse();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void aStalledHolderIsFencedOffAndCannotRenewOrRelease() {
        try (RedisLeaseProvider a = provider(); RedisLeaseProvider b = provider()) {
            FencedResource resource = new FencedResource();
            Lease first = acquireWithin(a, "stall", TTL, Duration.ofSeconds(3));
            assertThat(b.tryAcquire("stall", TTL)).as("one holder at a time").isEmpty();
            assertThat(first.isValid()).isTrue();
            assertThat(resource.write(first.fencingToken())).isTrue();
            // the holder checks it is valid, then stalls (GC, VM pause) until a peer has the lease
            assertThat(first.isValid()).isTrue();
            Lease second = acquireWithin(b, "stall", TTL, Duration.ofSeconds(3));
            assertThat(first.isValid()).as("the stalled holder stopped counting its lease before Redis expired it").isFalse();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(resource.write(second.fencingToken())).isTrue();
            assertThat(resource.write(first.fencingToken())).as("the stale write is fenced off").isFalse();
            assertThat(first.renew(TTL)).as("a stale holder cannot renew").isFalse();
            first.close();
            assertThat(second.isValid()).as("a stale release does not free the successor's lease").isTrue();
            assertThat(a.tryAcquire("stall", TTL)).isEmpty();
            second.close();
        }
    }

    @Test
    void gracefulHandOverTakesWellUnderOneSecond() {
        try (RedisLeaseProvider a = provider(); RedisLeaseProvider b = provider()) {
            Lease held = acquireWithin(a, "handover", Duration.ofSeconds(2), Duration.ofSeconds(3));
            assertThat(b.tryAcquire("handover", TTL)).isEmpty();
            a.releaseAll(); // what the shutdown coordinator's release phase runs
            long released = System.nanoTime();
            Lease next = acquireWithin(b, "handover", TTL, Duration.ofSeconds(1));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
            assertThat(tookMs).isLessThan(1000);
            assertThat(held.isValid()).isFalse();
            assertThat(a.heldCount()).isZero();
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            next.close();
        }
    }

    @Test
    void renewExtendsTheLeaseOnTheHoldersClockAndInRedis() {
        try (RedisLeaseProvider a = provider(); RedisLeaseProvider b = provider()) {
            Lease l = acquireWithin(a, "renew", TTL, Duration.ofSeconds(3));
            Deadline runFor = Deadline.after(TTL.multipliedBy(3));
            while (!runFor.isExpired()) {
                assertThat(l.renew(TTL)).isTrue();
                assertThat(l.isValid()).isTrue();
                assertThat(b.tryAcquire("renew", TTL)).isEmpty();
                LockSupport.parkNanos(TTL.toNanos() / 4);
            }
            assertThat(l.remaining()).isLessThanOrEqualTo(TTL.minus(MARGIN));
            l.close();
        }
    }

    @Test
    void rejectsBadArguments() {
        try (RedisLeaseProvider a = provider()) {
            assertThatThrownBy(() -> a.tryAcquire(" ", TTL)).hasMessageStartingWith("name: ' ' (expected: letters, digits");
            assertThatThrownBy(() -> a.tryAcquire("x", MARGIN)).hasMessageStartingWith("ttl: PT0.1S (expected: > safetyMargin");
            assertThatThrownBy(() -> a.tryAcquire("x", Duration.ofSeconds(3))).hasMessageContaining("<= maxTtl PT2S");
        }
        StatefulRedisConnection<String, String> c = connection();
        assertThatThrownBy(() -> RedisLeaseProvider.builder(c).commandTimeout(Duration.ofMinutes(1)))
                .hasMessage("commandTimeout: PT1M (expected: PT0.001S to PT10S)");
        assertThatThrownBy(() -> RedisLeaseProvider.builder(c).keyPrefix("a{b"))
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisLeaseProvider.builder(c).maxTtl(Duration.ofSeconds(1)).maxTtl(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class).hasMessage("maxTtl: already set");
    }

    @Test
    void closeReleasesTheLeasesButLeavesTheApplicationsConnectionOpen() {
        StatefulRedisConnection<String, String> c = connection();
        RedisLeaseProvider a = provider();
        RedisLeaseProvider mine = RedisLeaseProvider.builder(c).commandTimeout(Duration.ofMillis(300))
                .safetyMargin(MARGIN).maxTtl(Duration.ofSeconds(2)).restartQuarantine(TTL).build();
        Lease held = acquireWithin(mine, "owned", Duration.ofSeconds(2), Duration.ofSeconds(3));
        mine.close();
        assertThat(held.isValid()).isFalse();
        assertThat(c.isOpen()).as("the connection is the application's").isTrue();
        assertThat(c.sync().ping()).isEqualTo("PONG");
        assertThatThrownBy(() -> mine.tryAcquire("owned", TTL)).isInstanceOfSatisfying(LeaseStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(LeaseStoreException.Reason.CLOSED));
        acquireWithin(a, "owned", TTL, Duration.ofSeconds(1)).close();
        a.close();
    }

    /**
     * The lease-safety test: four candidates competing for one lease, some of them stalling
     * for longer than the lease while they believe they hold it, and Redis killed and restarted
     * empty in the middle. A sampler checks that no two candidates ever count a lease valid at the
     * same moment; a fenced resource rejects every stale write.
     */
    @Test
    void severalCandidatesWithStallsAndARedisRestartNeverHaveTwoValidHolders() throws Exception {
        int n = 4;
        FencedResource resource = new FencedResource();
        AtomicReferenceArray<Lease> current = new AtomicReferenceArray<>(n);
        ConcurrentLinkedQueue<Long> granted = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger stalls = new AtomicInteger();
        List<RedisLeaseProvider> providers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            providers.add(provider());
        }
        ExecutorService pool = Executors.newFixedThreadPool(n + 1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    int valid = 0;
                    for (int i = 0; i < n; i++) {
                        Lease l = current.get(i);
                        if (l != null && l.isValid()) {
                            valid++;
                        }
                    }
                    samples.incrementAndGet();
                    if (valid > 1) {
                        overlaps.incrementAndGet();
                    }
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100)); // sampling period, not synchronisation
                }
            }));
            for (int c = 0; c < n; c++) {
                int me = c;
                fs.add(pool.submit(() -> {
                    int round = 0;
                    while (!stop.get()) {
                        Optional<Lease> got;
                        try {
                            got = providers.get(me).tryAcquire("safety", TTL);
                        } catch (LeaseStoreException e) {
                            got = Optional.empty();
                        }
                        if (got.isEmpty()) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                            continue;
                        }
                        Lease l = got.get();
                        granted.add(l.fencingToken());
                        current.set(me, l);
                        round++;
                        for (int w = 0; w < 3 && l.isValid(); w++) {
                            resource.write(l.fencingToken());
                            try {
                                l.renew(TTL);
                            } catch (LeaseStoreException e) {
                                // Redis down: the lease runs out on this holder's clock
                            }
                        }
                        if ((round + me) % 3 == 0 && l.isValid()) {
                            // stall while believing we hold it, until the lease ran out and a peer may have it
                            stalls.incrementAndGet();
                            Deadline d = Deadline.after(Duration.ofSeconds(3));
                            while (!d.isExpired() && !stop.get() && (l.isValid() || resource.highest() <= l.fencingToken())) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                            }
                            resource.write(l.fencingToken()); // the stale write a paused process makes on resuming
                        } else {
                            try {
                                l.close();
                            } catch (LeaseStoreException e) {
                                // Redis down: it runs out
                            }
                        }
                    }
                    return null;
                }));
            }
            assertThat(RedisServers.await(Duration.ofSeconds(10), () -> resource.accepted().size() >= 20 && resource.rejected() >= 2))
                    .as("progress before the restart").isTrue();
            long beforeRestart = resource.highest();
            redis.kill();
            redis.restart();
            assertThat(RedisServers.await(Duration.ofSeconds(10), () -> resource.accepted().size() >= 40
                    && resource.highest() > beforeRestart)).as("progress after the restart").isTrue();
            stop.set(true);
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(overlaps.get()).as("samples with two valid holders, of " + samples.get()).isZero();
            assertThat(granted).doesNotHaveDuplicates();
            assertThat(stalls.get()).isPositive();
            assertThat(resource.rejected()).as("stale writes fenced off").isPositive();
            assertThat(resource.accepted()).isSorted();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            for (RedisLeaseProvider p : providers) {
                p.close();
            }
        }
    }

    @Test
    void aPeriodicJobRunsOnceAcrossReplicasOnRedis() throws Exception {
        int replicas = 3;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        FencedResource resource = new FencedResource();
        List<RedisLeaseProvider> providers = new ArrayList<>();
        List<PeriodicJobs> jobs = new ArrayList<>();
        List<PeriodicJobs.Scheduled> handles = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        ExecutorService runners = Executors.newFixedThreadPool(replicas);
        CountDownLatch enoughRuns = new CountDownLatch(8);
        long started = System.nanoTime();
        try {
            PeriodicJobs.JobSpec spec = PeriodicJobs.JobSpec.every("report", Duration.ofMillis(200))
                    .withMinInterval(Duration.ofMillis(150)).withLeaseTtl(Duration.ofMillis(600))
                    .withInitialDelay(Duration.ofMillis(50));
            for (int i = 0; i < replicas; i++) {
                RedisLeaseProvider p = provider();
                providers.add(p);
                PeriodicJobs j = PeriodicJobs.create(p, DelayScheduler.of(timer), runners, TimeSource.system());
                jobs.add(j);
                handles.add(j.schedule(spec, ctx -> {
                    int now = inside.incrementAndGet();
                    maxInside.accumulateAndGet(now, Math::max);
                    resource.write(ctx.fencingToken());
                    inside.decrementAndGet();
                    enoughRuns.countDown();
                }));
            }
            assertThat(enoughRuns.await(10, TimeUnit.SECONDS)).isTrue();
            for (PeriodicJobs j : jobs) {
                assertThat(j.drain(Deadline.after(Duration.ofSeconds(2)))).isTrue();
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int runs = handles.stream().mapToInt(PeriodicJobs.Scheduled::runs).sum();
            assertThat(maxInside.get()).as("never two runs at once").isEqualTo(1);
            assertThat(runs).as("at most one run per minimum interval across replicas in " + elapsedMs + " ms")
                    .isLessThanOrEqualTo((int) (elapsedMs / 150) + 1);
            assertThat(resource.rejected()).isZero();
            assertThat(resource.accepted()).hasSize(runs).doesNotHaveDuplicates().isSorted();
            assertThat(handles.stream().mapToInt(PeriodicJobs.Scheduled::skipped).sum()).isPositive();
        } finally {
            timer.shutdownNow();
            runners.shutdownNow();
            for (RedisLeaseProvider p : providers) {
                p.close();
            }
        }
    }
}
