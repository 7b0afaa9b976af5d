package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResilientRateLimiterIT {

    @Test
    void fallsBackWhenRedisIsKilledMidLoadAndRecoversWhenItReturns() throws Exception {
        try (RedisServers.Server server = RedisServers.standalone();
             RedisBackend backend = RedisBackend.connect(server.uri())) {
            assertThat(backend.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RateLimiter limiter = RateLimiter.resilientBuilder(
                            backend.limiterBuilder(RateLimitPolicy.parse("100000/1m")).build())
                    .fallback(FallbackMode.LOCAL)
                    .localShare(0.5)
                    .build();
            RateLimitCounters counters = limiter.counters();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstFallbackAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong slowestAfterKillNanos = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
            AtomicReference<DecisionSource> lastSource = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String key = "caller-" + t;
                Thread thread = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            long start = System.nanoTime();
                            Decision d = limiter.tryAcquire(key);
                            long end = System.nanoTime();
                            if (start >= killedAt.get()) {
                                slowestAfterKillNanos.accumulateAndGet(end - start, Math::max);
                            }
                            if (d.source() == DecisionSource.FALLBACK_LOCAL) {
                                firstFallbackAt.accumulateAndGet(end, Math::min);
                            }
                            lastSource.set(d.source());
                        }
                    } catch (Throwable e) {
                        thrown.add(e);
                    } finally {
                        done.countDown();
                    }
                });
                thread.start();
                threads.add(thread);
            }
            try {
                assertThat(RedisServers.await(Duration.ofSeconds(10), () -> counters.allowed() > 500)).isTrue();
                assertThat(counters.fallbackDecisions()).isZero();

                server.kill();
                killedAt.set(System.nanoTime());
                assertThat(RedisServers.await(Duration.ofSeconds(5), () -> firstFallbackAt.get() != Long.MAX_VALUE))
                        .isTrue();
                assertThat(Duration.ofNanos(firstFallbackAt.get() - killedAt.get())).isLessThan(Duration.ofSeconds(1));
                assertThat(RedisServers.await(Duration.ofSeconds(5), () -> "OPEN".equals(counters.breakerState())))
                        .isTrue();
                long fallbackBefore = counters.fallbackDecisions();
                assertThat(RedisServers.await(Duration.ofSeconds(5),
                        () -> counters.fallbackDecisions() > fallbackBefore + 200)).isTrue();

                server.restart();
                long recoverStart = System.nanoTime();
                assertThat(RedisServers.await(Duration.ofSeconds(15),
                        () -> "CLOSED".equals(counters.breakerState()) && lastSource.get() == DecisionSource.REDIS))
                        .as("back on Redis after restart").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - recoverStart)).isLessThan(Duration.ofSeconds(15));
            } finally {
                stop.set(true);
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(thrown).isEmpty();
            // command timeout is 100 ms; a dead Redis must never hold a request much longer than that
            assertThat(Duration.ofNanos(slowestAfterKillNanos.get())).isLessThan(Duration.ofMillis(100 + 400));
            assertThat(counters.breakerTransitions()).isGreaterThanOrEqualTo(3);
            assertThat(counters.errors()).isPositive();
        }
    }

    @Test
    void redisDownAtStartupDoesNotBlockAndFallsBack() {
        int port = RedisServers.freePort();
        try (RedisBackend backend = RedisBackend.connect("redis://127.0.0.1:" + port)) {
            RateLimiter limiter = RateLimiter.resilientBuilder(
                    backend.limiterBuilder(RateLimitPolicy.parse("2/1m")).build()).build();
            long start = System.nanoTime();
            assertThat(limiter.tryAcquire("a").source()).isEqualTo(DecisionSource.FALLBACK_LOCAL);
            assertThat(limiter.tryAcquire("a").allowed()).isTrue();
            assertThat(limiter.tryAcquire("a").allowed()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }
}
