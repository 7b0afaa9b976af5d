package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class RedisSentinelIT {

    @Test
    void followsTheMasterAcrossASentinelFailover() throws Exception {
        List<RedisServers.Server> all = new ArrayList<>();
        try {
            RedisServers.Server master = RedisServers.Server.start(List.of());
            all.add(master);
            RedisServers.Server replica = RedisServers.Server.start(
                    List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            all.add(replica);
            assertThat(RedisServers.await(Duration.ofSeconds(20),
                    () -> replica.withCommands(c -> c.info("replication").contains("master_link_status:up")))).isTrue();
            StringBuilder uri = new StringBuilder("redis-sentinel://");
            for (int i = 0; i < 3; i++) {
                RedisServers.Server s = RedisServers.Server.sentinel(master.port());
                all.add(s);
                uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(s.port());
            }
            uri.append("#mymaster");
            try (RedisBackend backend = RedisBackend.connect(uri.toString())) {
                assertThat(backend.topology()).isEqualTo(RedisBackend.Topology.SENTINEL);
                assertThat(backend.awaitConnected(Duration.ofSeconds(10))).isTrue();
                RateLimiter limiter = RateLimiter.resilientBuilder(
                        backend.limiterBuilder(RateLimitPolicy.parse("1000000/1h")).build()).build();
                assertThat(limiter.tryAcquire("s").source()).isEqualTo(DecisionSource.REDIS);

                master.kill();
                long killed = System.nanoTime();
                long deadline = killed + TimeUnit.SECONDS.toNanos(30);
                boolean fellBack = false;
                long back = -1;
                long slowest = 0;
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    Decision d = limiter.tryAcquire("s");
                    slowest = Math.max(slowest, System.nanoTime() - start);
                    fellBack |= d.source() == DecisionSource.FALLBACK_LOCAL;
                    if (fellBack && d.source() == DecisionSource.REDIS) {
                        back = System.nanoTime();
                        break;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                assertThat(fellBack).isTrue();
                assertThat(back).as("back on Redis after the Sentinel failover").isPositive();
                System.out.println("sentinel failover: back on Redis after " + (back - killed) / 1_000_000
                        + " ms (down-after 1000 ms), slowest decision " + slowest / 1000 + " us");
                assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(100 + 400));
                assertThat(replica.withCommands(c -> c.info("replication")).contains("role:master")).isTrue();
            }
        } finally {
            for (RedisServers.Server s : all) {
                s.close();
            }
        }
    }
}
