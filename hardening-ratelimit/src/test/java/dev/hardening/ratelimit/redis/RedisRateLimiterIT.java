package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.ratelimit.internal.LocalBucketLimiter;
import dev.hardening.testkit.RedisServers;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisRateLimiterIT {

    private static RedisServers.Server server;
    private static RedisBackend backend;
    private static int keySeq;

    @BeforeAll
    static void start() throws InterruptedException {
        server = RedisServers.standalone();
        backend = TestBackends.patientBackend(server.uri());
        assertThat(backend.awaitConnected(Duration.ofSeconds(10))).isTrue();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String freshKey() {
        return "k" + (++keySeq) + "-" + System.nanoTime();
    }

    @Test
    void makesTheSameDecisionsAsABucket4jLocalBucketOnTheSameTimeline() {
        List<String> specs = List.of("5/1s", "5/1s;burst=8,20/10s", "3/250ms,10/2s,50/1m",
                "1/1s", "7/3s;burst=2", "100/1m,1000/1h");
        Random random = new Random(20240601L);
        for (String spec : specs) {
            RateLimitPolicy policy = RateLimitPolicy.parse(spec);
            AtomicLong nowMicros = new AtomicLong(1_700_000_000_000_000L + random.nextInt(1_000_000));
            RedisScriptLimiter redis = new RedisScriptLimiter(backend.connector(), policy, "difftest:",
                    new RateLimitCounters(), Duration.ofSeconds(2), nowMicros::get);
            TimeMeter meter = new TimeMeter() {
                @Override
                public long currentTimeNanos() {
                    return nowMicros.get() * 1000L;
                }

                @Override
                public boolean isWallClockBased() {
                    return false;
                }
            };
            Bucket reference = LocalBucketLimiter.newBucket(policy, meter);
            String key = freshKey();
            long maxCapacity = policy.limits().stream().mapToLong(Limit::capacity).max().orElseThrow();
            int allowed = 0;
            int denied = 0;
            for (int step = 0; step < 1500; step++) {
                long advance = random.nextInt(4) == 0 ? random.nextInt(3_000_000) : random.nextInt(150_000);
                nowMicros.addAndGet(advance);
                long cost = random.nextInt(10) == 0 ? 1 + random.nextInt((int) maxCapacity + 2) : 1;
                ConsumptionProbe expected = reference.tryConsumeAndReturnRemaining(cost);
                Decision actual = redis.tryAcquire(key, cost);
                String where = spec + " step " + step + " cost " + cost + " expected " + expected + " actual " + actual;
                assertThat(actual.allowed()).as(where).isEqualTo(expected.isConsumed());
                assertThat(actual.remaining()).as(where).isEqualTo(expected.getRemainingTokens());
                if (expected.isConsumed()) {
                    allowed++;
                } else if (expected.getNanosToWaitForRefill() == Long.MAX_VALUE) {
                    assertThat(actual.retryAfter()).as(where).isEqualTo(Decision.NEVER);
                    denied++;
                } else {
                    // ours is rounded up to whole microseconds, Bucket4j's down to whole nanoseconds
                    long diff = actual.retryAfter().toNanos() - expected.getNanosToWaitForRefill();
                    assertThat(diff).as(where).isBetween(0L, 1000L);
                    denied++;
                }
                long resetDiff = actual.resetAfter().toNanos() - expected.getNanosToWaitForReset();
                assertThat(resetDiff).as(where).isBetween(0L, 1000L);
            }
            assertThat(allowed).as(spec + " allowed").isGreaterThan(50);
            assertThat(denied).as(spec + " denied").isGreaterThan(50);
        }
    }

    @Test
    void twoLimiterInstancesShareOneLimitExactly() throws Exception {
        RateLimitPolicy policy = RateLimitPolicy.parse("200/1h");
        try (RedisBackend second = TestBackends.patientBackend(server.uri())) {
            assertThat(second.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RateLimiter a = backend.limiterBuilder(policy).build();
            RateLimiter b = second.limiterBuilder(policy).build();
            String key = freshKey();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    RateLimiter limiter = t % 2 == 0 ? a : b;
                    Callable<Integer> task = () -> {
                        int ok = 0;
                        for (int i = 0; i < 60; i++) {
                            if (limiter.tryAcquire(key).allowed()) {
                                ok++;
                            }
                        }
                        return ok;
                    };
                    results.add(pool.submit(task));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get();
                }
                // 480 attempts within far less than the 18 s one token takes to refill: exactly 200 pass
                assertThat(total).isEqualTo(200);
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.counters().allowed() + b.counters().allowed()).isEqualTo(200);
        }
    }

    @Test
    void enforcesEveryLimitOfAPolicyAtomically() {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("5/1h,3/1d")).build();
        String key = freshKey();
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(key).allowed()).isTrue();
        }
        Decision denied = limiter.tryAcquire(key);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.limits()).extracting(LimitStatus::remaining).containsExactly(2L, 0L);
        assertThat(denied.retryAfter()).isGreaterThan(Duration.ofHours(7));
        assertThat(limiter.tryAcquire(key, 4).retryAfter()).isEqualTo(Decision.NEVER);
    }

    @Test
    void keysExpireOnceTheBucketWouldBeFullAgain() {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("10/10s")).keyPrefix("ttl:")
                .build();
        String key = freshKey();
        String redisKey = ((RedisScriptLimiter) limiter).redisKey(key);
        limiter.tryAcquire(key, 1);
        long pttl = server.withCommands(c -> c.pttl(redisKey));
        assertThat(pttl).isBetween(1L, 1002L);
        limiter.tryAcquire(key, 9);
        long pttlEmpty = server.withCommands(c -> c.pttl(redisKey));
        assertThat(pttlEmpty).isBetween(9000L, 10_002L);
    }

    @Test
    void takesTimeFromTheRedisClock() {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("10/10s")).build();
        String key = freshKey();
        limiter.tryAcquire(key);
        String redisKey = ((RedisScriptLimiter) limiter).redisKey(key);
        String stored = server.withCommands(c -> c.get(redisKey));
        List<String> time = server.withCommands(c -> c.time());
        long redisMicros = Long.parseLong(time.get(0)) * 1_000_000L + Long.parseLong(time.get(1));
        long storedMicros = Long.parseLong(stored.split(":")[1]);
        assertThat(redisMicros - storedMicros).isBetween(0L, 5_000_000L);
    }

    @Test
    void replacesGarbageUnderAKeyAndCountsIt() {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("3/1m")).build();
        String key = freshKey();
        String redisKey = ((RedisScriptLimiter) limiter).redisKey(key);
        server.withCommands(c -> c.set(redisKey, "not-a-bucket:1:2:3"));
        Decision first = limiter.tryAcquire(key);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(limiter.counters().corruptValues()).isEqualTo(1);

        String stored = server.withCommands(c -> c.get(redisKey));
        String[] parts = stored.split(":");
        server.withCommands(c -> c.set(redisKey, parts[0] + ":" + parts[1] + ":99999:0"));
        assertThat(limiter.tryAcquire(key).remaining()).isEqualTo(2);

        server.withCommands(c -> {
            c.del(redisKey);
            return c.rpush(redisKey, "a", "list");
        });
        assertThat(limiter.tryAcquire(key).allowed()).isTrue();
        assertThat(limiter.counters().corruptValues()).isEqualTo(3);
        assertThat(limiter.tryAcquire(key).remaining()).isEqualTo(1);
    }

    @Test
    void recoversWhenTheScriptCacheIsFlushed() {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("3/1m")).build();
        String key = freshKey();
        assertThat(limiter.tryAcquire(key).allowed()).isTrue();
        server.withCommands(c -> c.scriptFlush());
        assertThat(limiter.tryAcquire(key).remaining()).isEqualTo(1);
    }

    @Test
    void asyncFormCompletesWithTheDecision() throws Exception {
        RateLimiter limiter = backend.limiterBuilder(RateLimitPolicy.parse("1/1m")).build();
        String key = freshKey();
        assertThat(limiter.tryAcquireAsync(key, 1).toCompletableFuture().get().allowed()).isTrue();
        Decision denied = limiter.tryAcquireAsync(key, 1).toCompletableFuture().get();
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.source()).isEqualTo(DecisionSource.REDIS);
        assertThatThrownBy(() -> limiter.tryAcquireAsync("", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
