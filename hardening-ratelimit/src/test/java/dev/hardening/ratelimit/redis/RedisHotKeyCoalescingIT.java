package dev.hardening.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.Limit;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.internal.LocalBucketLimiter;
import dev.hardening.testkit.RedisServers;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot-key coalescing against a real redis-server: decisions waiting behind a call in flight go in one
 * script call, each caller gets its own exact decision, nothing admitted beyond the limit, a lone call
 * is sent at once, and a failed call never leaves a key stuck. Redis' {@code CLIENT PAUSE ... WRITE}
 * holds the first call in flight deterministically (no sleeps, no timing).
 */
class RedisHotKeyCoalescingIT {

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

    @AfterEach
    void unpause() {
        client("UNPAUSE");
    }

    private static String freshKey() {
        return "hot" + (++keySeq) + "-" + System.nanoTime();
    }

    private static void client(String... args) {
        server.withCommands(c -> {
            CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8);
            for (String arg : args) {
                a.add(arg);
            }
            return c.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), a);
        });
    }

    /** Holds every write command, scripts included, until {@link #unpause()}; reads still answer. */
    private static void pauseWrites() {
        client("PAUSE", "60000", "WRITE");
    }

    private static RedisScriptLimiter limiter(RedisBackend on, String spec) {
        return (RedisScriptLimiter) on.limiterBuilder(RateLimitPolicy.parse(spec)).build();
    }

    private static Decision get(CompletableFuture<Decision> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void decisionsWaitingBehindACallInFlightGoInOneScriptCallEachWithItsOwnResult() throws Exception {
        RedisScriptLimiter limiter = limiter(backend, "10/1d");
        String key = freshKey();
        pauseWrites();
        CompletableFuture<Decision> first = limiter.tryAcquireAsync(key, 1).toCompletableFuture();
        assertThat(limiter.scriptCalls()).as("the first call goes out at once").isEqualTo(1);
        List<CompletableFuture<Decision>> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queued.add(limiter.tryAcquireAsync(key, 1).toCompletableFuture());
        }
        assertThat(limiter.waiting(key)).isEqualTo(20);
        assertThat(limiter.scriptCalls()).as("nothing more sent while the first is in flight").isEqualTo(1);
        unpause();

        assertThat(get(first).allowed()).isTrue();
        assertThat(get(first).remaining()).isEqualTo(9);
        for (int i = 0; i < 20; i++) {
            Decision d = get(queued.get(i));
            if (i < 9) {
                assertThat(d.allowed()).as("decision %d", i).isTrue();
                assertThat(d.remaining()).as("decision %d", i).isEqualTo(8 - i);
            } else {
                assertThat(d.allowed()).as("decision %d", i).isFalse();
                assertThat(d.remaining()).as("decision %d", i).isZero();
                assertThat(d.retryAfter()).as("decision %d", i).isGreaterThan(Duration.ofHours(1));
            }
        }
        assertThat(limiter.scriptCalls()).as("21 decisions, 2 script calls").isEqualTo(2);
        assertThat(limiter.counters().allowed()).isEqualTo(10);
        assertThat(limiter.counters().denied()).isEqualTo(11);
        assertThat(limiter.lanesInFlight()).isZero();
    }

    @Test
    void aLoneDecisionIsSentAtOnceAndLeavesNoLaneBehind() throws Exception {
        RedisScriptLimiter limiter = limiter(backend, "5/1m");
        String key = freshKey();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Decision> f = limiter.tryAcquireAsync(key, 1).toCompletableFuture();
            assertThat(limiter.scriptCalls()).as("sent before tryAcquireAsync returned").isEqualTo(i + 1L);
            assertThat(get(f).remaining()).isEqualTo(4 - i);
            RedisServers.await(Duration.ofSeconds(10), () -> limiter.lanesInFlight() == 0);
            assertThat(limiter.lanesInFlight()).isZero();
        }
        assertThat(limiter.tryAcquire(key).remaining()).isEqualTo(1);
        assertThat(limiter.scriptCalls()).isEqualTo(4);
    }

    @Test
    void concurrentCallersOnOneHotKeyNeverGetOneTokenMoreThanTheLimit() throws Exception {
        RateLimitPolicy policy = RateLimitPolicy.parse("500/1d");
        try (RedisBackend second = TestBackends.patientBackend(server.uri())) {
            assertThat(second.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RedisScriptLimiter a = (RedisScriptLimiter) backend.limiterBuilder(policy).build();
            RedisScriptLimiter b = (RedisScriptLimiter) second.limiterBuilder(policy).build();
            String key = freshKey();
            int threads = 16;
            int perThread = 80;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<long[]>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    RedisScriptLimiter limiter = t % 2 == 0 ? a : b;
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        long admittedTokens = 0;
                        long admittedCalls = 0;
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            long cost = 1 + random.nextInt(3);
                            Decision d = limiter.tryAcquire(key, cost);
                            if (d.allowed()) {
                                admittedTokens += cost;
                                admittedCalls++;
                            }
                        }
                        return new long[] {admittedTokens, admittedCalls};
                    }));
                }
                go.countDown();
                long tokens = 0;
                long calls = 0;
                for (Future<long[]> f : results) {
                    long[] r = f.get(60, TimeUnit.SECONDS);
                    tokens += r[0];
                    calls += r[1];
                }
                // 1 280 decisions of 1-3 tokens (about 2 560 tokens asked) against 500; one token
                // refills every 172.8 s, far longer than this test runs
                assertThat(tokens).isLessThanOrEqualTo(500);
                Decision after = a.tryAcquire(key, 1);
                long remaining = after.allowed() ? after.remaining() + 1 : after.remaining();
                assertThat(tokens + remaining).as("admitted + left = the limit, exactly").isEqualTo(500);
                assertThat(remaining).as("greedy: at most 2 tokens left unclaimed by 1-3 token asks")
                        .isLessThanOrEqualTo(2);
                assertThat(a.counters().allowed() + b.counters().allowed())
                        .isEqualTo(calls + (after.allowed() ? 1 : 0));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void batchedDecisionsMatchABucket4jLocalBucketTakingThemOneByOne() throws Exception {
        List<String> specs = List.of("5/1s", "5/1s;burst=8,20/10s", "3/250ms,10/2s,50/1m", "7/3s;burst=2");
        Random random = new Random(20260712L);
        for (String spec : specs) {
            RateLimitPolicy policy = RateLimitPolicy.parse(spec);
            AtomicLong nowMicros = new AtomicLong(1_700_000_000_000_000L + random.nextInt(1_000_000));
            RedisScriptLimiter redis = new RedisScriptLimiter(backend.connector(), policy, "batchdiff:",
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
            for (int step = 0; step < 400; step++) {
                long advance = random.nextInt(4) == 0 ? random.nextInt(3_000_000) : random.nextInt(300_000);
                nowMicros.addAndGet(advance);
                long[] costs = new long[1 + random.nextInt(6)];
                for (int i = 0; i < costs.length; i++) {
                    costs[i] = random.nextInt(8) == 0 ? 1 + random.nextInt((int) maxCapacity + 2) : 1;
                }
                List<CompletableFuture<Decision>> actual = redis.tryAcquireTogether(key, costs);
                for (int i = 0; i < costs.length; i++) {
                    ConsumptionProbe expected = reference.tryConsumeAndReturnRemaining(costs[i]);
                    Decision d = get(actual.get(i));
                    String where = spec + " step " + step + " #" + i + " cost " + costs[i] + " expected "
                            + expected + " actual " + d;
                    assertThat(d.allowed()).as(where).isEqualTo(expected.isConsumed());
                    assertThat(d.remaining()).as(where).isEqualTo(expected.getRemainingTokens());
                    if (expected.isConsumed()) {
                        allowed++;
                    } else if (expected.getNanosToWaitForRefill() == Long.MAX_VALUE) {
                        assertThat(d.retryAfter()).as(where).isEqualTo(Decision.NEVER);
                        denied++;
                    } else {
                        long diff = d.retryAfter().toNanos() - expected.getNanosToWaitForRefill();
                        assertThat(diff).as(where).isBetween(0L, 1000L);
                        denied++;
                    }
                    long resetDiff = d.resetAfter().toNanos() - expected.getNanosToWaitForReset();
                    assertThat(resetDiff).as(where).isBetween(0L, 1000L);
                }
            }
            assertThat(redis.scriptCalls()).isEqualTo(400);
            assertThat(allowed).as(spec + " allowed").isGreaterThan(50);
            assertThat(denied).as(spec + " denied").isGreaterThan(50);
        }
    }

    @Test
    void aBatchThatFailsAnswersEveryCallerAndTheKeyRecovers() throws Exception {
        try (RedisBackend impatient = RedisBackend.builder(server.uri())
                .commandTimeout(Duration.ofMillis(200)).build()) {
            assertThat(impatient.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RedisScriptLimiter limiter = limiter(impatient, "10/1d");
            String key = freshKey();
            pauseWrites();
            List<CompletableFuture<Decision>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(limiter.tryAcquireAsync(key, 1).toCompletableFuture());
            }
            assertThat(limiter.waiting(key)).isEqualTo(5);
            for (CompletableFuture<Decision> f : all) {
                try {
                    get(f);
                    throw new AssertionError("a decision succeeded while Redis held every write");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(RateLimitUnavailableException.class);
                }
            }
            assertThat(limiter.counters().errors()).isEqualTo(6);
            assertThat(limiter.scriptCalls()).as("the first alone, the five waiting together").isEqualTo(2);
            unpause();
            RedisServers.await(Duration.ofSeconds(10), () -> limiter.lanesInFlight() == 0);
            assertThat(limiter.lanesInFlight()).isZero();
            Decision d = limiter.tryAcquire(key);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isLessThanOrEqualTo(9);
        }
    }
}
