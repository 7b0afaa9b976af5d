package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisServers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisDedupStoreIT {

    @Test
    void detectsDuplicatesAcrossInstancesAndFallsBackLocallyWhenRedisDies() throws Exception {
        try (RedisServers.Server server = RedisServers.standalone();
             RedisBackend a = TestBackends.patientBackend(server.uri());
             RedisBackend b = TestBackends.patientBackend(server.uri())) {
            assertThat(a.awaitConnected(Duration.ofSeconds(10))).isTrue();
            assertThat(b.awaitConnected(Duration.ofSeconds(10))).isTrue();
            DedupStore first = a.dedupStore("github", Duration.ofHours(24));
            DedupStore second = b.dedupStore("github", Duration.ofHours(24));
            assertThat(first.markIfFirst("delivery-1")).isTrue();
            assertThat(second.markIfFirst("delivery-1")).isFalse();
            long pttl = server.withCommands(c -> c.pttl("dedup:github:delivery-1"));
            assertThat(pttl).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
            second.forget("delivery-1");
            assertThat(first.markIfFirst("delivery-1")).isTrue();

            server.kill();
            long start = System.nanoTime();
            assertThat(first.markIfFirst("delivery-1")).isFalse();
            assertThat(first.markIfFirst("delivery-2")).isTrue();
            assertThat(first.markIfFirst("delivery-2")).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }
}
