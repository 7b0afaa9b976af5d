package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisCluster;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisClusterIT {

    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sharesLimitsExactlyOnKeysInEverySlotRange() throws Exception {
        RateLimitPolicy policy = RateLimitPolicy.parse("5/1h,7/1d");
        try (RedisBackend a = TestBackends.patientBackend(cluster.uri()); RedisBackend b = TestBackends.patientBackend(cluster.uri())) {
            assertThat(a.awaitConnected(Duration.ofSeconds(10))).isTrue();
            assertThat(b.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RateLimiter la = a.limiterBuilder(policy).build();
            RateLimiter lb = b.limiterBuilder(policy).build();
            for (int k = 0; k < 30; k++) {
                String key = "shared-" + k;
                int allowed = 0;
                for (int i = 0; i < 8; i++) {
                    allowed += (i % 2 == 0 ? la : lb).tryAcquire(key).allowed() ? 1 : 0;
                }
                assertThat(allowed).as(key).isEqualTo(5);
            }
        }
    }

    @Test
    void returnsToRedisAfterAMasterFailover() throws Exception {
        try (RedisBackend backend = RedisBackend.connect(cluster.uri())) {
            assertThat(backend.awaitConnected(Duration.ofSeconds(10))).isTrue();
            RateLimiter redis = backend.limiterBuilder(RateLimitPolicy.parse("1000000/1h")).build();
            RateLimiter limiter = RateLimiter.resilientBuilder(redis).build();
            String key = null;
            for (int i = 0; key == null; i++) {
                String candidate = "failover-" + i;
                if (SlotHash.getSlot(((RedisScriptLimiter) redis).redisKey(candidate)) <= 5460) {
                    key = candidate;
                }
            }
            assertThat(limiter.tryAcquire(key).source()).isEqualTo(DecisionSource.REDIS);

            cluster.masters().get(0).kill();
            long killed = System.nanoTime();
            long slowest = 0;
            List<DecisionSource> sources = new ArrayList<>();
            long deadline = killed + TimeUnit.SECONDS.toNanos(30);
            long backOnRedis = -1;
            while (System.nanoTime() < deadline) {
                long start = System.nanoTime();
                Decision d = limiter.tryAcquire(key);
                slowest = Math.max(slowest, System.nanoTime() - start);
                sources.add(d.source());
                if (d.source() == DecisionSource.REDIS && sources.contains(DecisionSource.FALLBACK_LOCAL)) {
                    backOnRedis = System.nanoTime();
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            assertThat(sources).contains(DecisionSource.FALLBACK_LOCAL);
            assertThat(backOnRedis).as("back on Redis after failover").isPositive();
            Duration outage = Duration.ofNanos(backOnRedis - killed);
            System.out.println("cluster failover: back on Redis after " + outage.toMillis() + " ms (node timeout "
                    + RedisCluster.NODE_TIMEOUT_MS + " ms), slowest decision " + slowest / 1000 + " us");
            // goal: node-timeout + 2 s; allow one extra breaker wait (1 s) on a loaded 2-core machine
            assertThat(outage).isLessThan(Duration.ofMillis(RedisCluster.NODE_TIMEOUT_MS + 3000));
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(100 + 400));
            assertThat(cluster.replicaPromoted(0)).isTrue();
        }
    }
}
