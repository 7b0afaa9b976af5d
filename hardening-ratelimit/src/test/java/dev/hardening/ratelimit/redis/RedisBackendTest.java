package dev.hardening.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitSpecException;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.TrustedProxies;
import dev.hardening.testkit.RedisServers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisBackendTest {

    private static FindingStatus status(List<Finding> findings, String id) {
        return findings.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow().status();
    }

    @Test
    void failOpenAndTrustEveryoneAreReportedWithTheBackendsOwnFindings() {
        try (RateLimiting rl = RateLimiting.builder()
                .shared(RedisBackend.connect("redis://10.255.255.1:" + RedisServers.freePort()))
                .fallback(FallbackMode.OPEN).trustedProxies(TrustedProxies.parse("0.0.0.0/0")).build()) {
            List<Finding> f = rl.startupCheck().findings(AppEnvironment.PRODUCTION);
            assertThat(status(f, "HR-B001")).isEqualTo(FindingStatus.PASS);
            assertThat(status(f, "HR-F001")).isEqualTo(FindingStatus.WARN);
            assertThat(status(f, "HR-K001")).isEqualTo(FindingStatus.PASS);
            assertThat(status(f, "HR-R001")).isEqualTo(FindingStatus.PASS);
            assertThat(status(f, "HR-R002")).isEqualTo(FindingStatus.WARN);
            assertThat(status(f, "HR-P001")).isEqualTo(FindingStatus.FAIL);
            // Redis is not reachable: the fail-open fallback answers at once
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.FALLBACK_OPEN);
        }
    }

    @Test
    void aSlowCommandTimeoutWarns() {
        try (RedisBackend b = RedisBackend.builder("redis://127.0.0.1:1").commandTimeout(Duration.ofSeconds(1)).build()) {
            assertThat(status(b.findings(AppEnvironment.PRODUCTION), "HR-R001")).isEqualTo(FindingStatus.WARN);
            assertThat(b.findings(AppEnvironment.PRODUCTION)).extracting(Finding::id).doesNotContain("HR-R002");
        }
    }

    @Test
    void parsesTopologiesWithoutEchoingPasswords() {
        assertThat(topology("redis://127.0.0.1:1")).isEqualTo(RedisBackend.Topology.STANDALONE);
        assertThat(topology("redis://127.0.0.1:1,redis://127.0.0.1:2")).isEqualTo(RedisBackend.Topology.CLUSTER);
        assertThat(topology("redis-sentinel://127.0.0.1:1,127.0.0.1:2#mymaster")).isEqualTo(RedisBackend.Topology.SENTINEL);
        try (RedisBackend b = RedisBackend.connect("redis://:s3cret@127.0.0.1:1")) {
            assertThat(b.toString()).doesNotContain("s3cret");
            assertThat(b.description()).doesNotContain("s3cret");
        }
        assertThatThrownBy(() -> RedisBackend.connect("http://user:hunter2@host"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.BAD_REDIS_URI))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void takesALettuceUriAndDecidesThroughIt() throws Exception {
        try (RedisServers.Server server = RedisServers.standalone()) {
            io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(server.uri());
            try (RedisBackend b = RedisBackend.builder(uri).build()) {
                assertThat(b.topology()).isEqualTo(RedisBackend.Topology.STANDALONE);
                assertThat(b.commandTimeout()).isEqualTo(RedisBackend.DEFAULT_COMMAND_TIMEOUT);
                var store = b.dedupStore("ns", Duration.ofMinutes(1));
                assertThat(b.awaitConnected(Duration.ofSeconds(10))).isTrue();
                assertThat(store.markIfFirst("d-1")).isTrue();
                assertThat(store.markIfFirst("d-1")).isFalse();
            }
        }
        assertThatThrownBy(() -> RedisBackend.builder(new io.lettuce.core.RedisURI()))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.BAD_REDIS_URI))
                .hasMessage("uri: no host (expected: a host or sentinels)");
    }

    private static RedisBackend.Topology topology(String uri) {
        try (RedisBackend b = RedisBackend.connect(uri)) {
            return b.topology();
        }
    }

    @Test
    void connectsOnlyOnceUsed() throws Exception {
        try (RedisServers.Server server = RedisServers.standalone();
             RedisBackend b = RedisBackend.connect(server.uri())) {
            assertThat(b.connectStarted()).isFalse();
            assertThat(b.isConnected()).isFalse();
            b.dedupStore("ns", Duration.ofMinutes(1));
            assertThat(b.connectStarted()).isTrue();
            assertThat(b.awaitConnected(Duration.ofSeconds(10))).isTrue();
            assertThat(b.isConnected()).isTrue();
        }
    }

    @Test
    void pinsDefaultsAndSetOnceMessages() {
        assertThat(RedisBackend.DEFAULT_COMMAND_TIMEOUT).isEqualTo(Duration.ofMillis(100));
        assertThat(RedisBackend.DEFAULT_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(1));
        assertThat(RedisBackend.DEFAULT_KEY_PREFIX).isEqualTo("rl:");
        assertThatThrownBy(() -> RedisBackend.builder("redis://127.0.0.1:1").commandTimeout(Duration.ofMillis(50))
                .commandTimeout(Duration.ofMillis(60))).isInstanceOf(IllegalStateException.class)
                .hasMessage("commandTimeout: already set");
        assertThatThrownBy(() -> RedisBackend.builder("redis://127.0.0.1:1").commandTimeout(Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("commandTimeout: PT1M (expected: PT0.001S to PT10S)");
    }
}
