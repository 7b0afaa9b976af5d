package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.testkit.RedisServers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitingTest {

    private static FindingStatus status(List<Finding> findings, String id) {
        return findings.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow().status();
    }

    @Test
    void inMemoryInProductionFailsUnlessChosen() {
        try (RateLimiting rl = RateLimiting.builder().policy("5/1m").build()) {
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.LOCAL);
            assertThat(status(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "RL-001")).isEqualTo(FindingStatus.FAIL);
            assertThat(status(rl.startupCheck().findings(AppEnvironment.DEV), "RL-001")).isEqualTo(FindingStatus.WARN);
        }
        try (RateLimiting rl = RateLimiting.builder().backend("memory").build()) {
            assertThat(status(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "RL-001")).isEqualTo(FindingStatus.WARN);
        }
    }

    @Test
    void failOpenAndTrustEveryoneAreReported() {
        try (RateLimiting rl = RateLimiting.builder().redisUri("redis://127.0.0.1:" + RedisServers.freePort())
                .fallback("open").trustedProxies("0.0.0.0/0").build()) {
            List<Finding> f = rl.startupCheck().findings(AppEnvironment.PRODUCTION);
            assertThat(status(f, "RL-001")).isEqualTo(FindingStatus.PASS);
            assertThat(status(f, "RL-002")).isEqualTo(FindingStatus.WARN);
            assertThat(status(f, "RL-003")).isEqualTo(FindingStatus.PASS);
            assertThat(status(f, "RL-005")).isEqualTo(FindingStatus.FAIL);
            // Redis is not running: the fail-open fallback answers at once
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.FALLBACK_OPEN);
        }
    }

    @Test
    void rejectsBadSettingsWithCodesAndWithoutEchoingPasswords() {
        assertThatThrownBy(() -> RateLimiting.builder().backend("etcd"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason().code()).isEqualTo("rate-limit.unknown-backend"));
        assertThatThrownBy(() -> RateLimiting.builder().backend("redis").build())
                .isInstanceOf(RateLimitSpecException.class).hasMessageContaining("without REDIS_URI");
        assertThatThrownBy(() -> RateLimiting.builder().redisUri("http://user:hunter2@host"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.BAD_REDIS_URI))
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RateLimiting.builder().policy("0/1m"))
                .isInstanceOf(RateLimitSpecException.class);
    }

    @Test
    void parsesTopologiesFromRedisUri() {
        assertThat(topology("redis://127.0.0.1:1")).isEqualTo(RedisBackend.Topology.STANDALONE);
        assertThat(topology("redis://127.0.0.1:1,redis://127.0.0.1:2")).isEqualTo(RedisBackend.Topology.CLUSTER);
        assertThat(topology("redis-sentinel://127.0.0.1:1,127.0.0.1:2#mymaster")).isEqualTo(RedisBackend.Topology.SENTINEL);
        try (RedisBackend b = RedisBackend.connect("redis://:s3cret@127.0.0.1:1")) {
            assertThat(b.toString()).doesNotContain("s3cret");
        }
    }

    private static RedisBackend.Topology topology(String uri) {
        try (RedisBackend b = RedisBackend.connect(uri)) {
            return b.topology();
        }
    }

    @Test
    void localDedupStoreRemembersIdsForItsTtl() {
        FakeTicker ticker = new FakeTicker();
        DedupStore store = DedupStore.local(Duration.ofHours(24), 1000, ticker);
        assertThat(store.markIfFirst("d-1")).isTrue();
        assertThat(store.markIfFirst("d-1")).isFalse();
        store.forget("d-1");
        assertThat(store.markIfFirst("d-1")).isTrue();
        ticker.advance(Duration.ofHours(25));
        assertThat(store.markIfFirst("d-1")).isTrue();
        assertThatThrownBy(() -> store.markIfFirst("")).isInstanceOf(IllegalArgumentException.class);
    }
}
