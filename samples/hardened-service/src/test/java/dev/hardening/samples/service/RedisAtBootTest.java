package dev.hardening.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.HardeningConfig;
import dev.hardening.ratelimit.FallbackMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A Redis that does not answer at boot is a line of the startup report (WARN, naming what the
 * service does meanwhile), not only a message on stderr after it; without {@code REDIS_URI} there
 * is no such line.
 */
class RedisAtBootTest {

    private static ServiceSettings settings(Map<String, String> env) {
        return HardeningConfig.builder().environment(env).build().bind(ServiceSettings.class).settings();
    }

    /** @return a loopback port that refuses connections (bound, then closed) */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    @Test
    void aRedisThatDoesNotAnswerAtBootIsAWarningOfTheReport() throws Exception {
        int port = closedPort();
        ServiceSettings s = settings(Map.of("APP_ENV", "dev", "REDIS_URI", "redis://127.0.0.1:" + port,
                "RATE_LIMIT_FALLBACK", "closed"));
        try (Components c = Components.build(s, s.appEnv())) {
            boolean answered = c.awaitRedis(Duration.ofMillis(300));
            assertThat(answered).isFalse();
            Finding f = c.redisAtBoot(answered, Duration.ofSeconds(5), s.rateLimitFallback()).orElseThrow();
            assertThat(f.id()).isEqualTo(Components.REDIS_AT_BOOT_FINDING);
            assertThat(f.status()).isEqualTo(FindingStatus.WARN);
            assertThat(f.subject()).isEqualTo("REDIS_URI");
            assertThat(f.detail()).isEqualTo("Redis at 127.0.0.1:" + port + " did not answer within 5 s of boot:"
                    + " rate limits follow RATE_LIMIT_FALLBACK=closed and DPoP-bound requests are refused until it answers");

            assertThat(c.redisAtBoot(true, Duration.ofSeconds(5), FallbackMode.LOCAL)).get()
                    .extracting(Finding::status).isEqualTo(FindingStatus.PASS);
        }
    }

    @Test
    void withoutRedisThereIsNoLine() throws Exception {
        ServiceSettings s = settings(Map.of("APP_ENV", "dev"));
        try (Components c = Components.build(s, s.appEnv())) {
            assertThat(c.awaitRedis(Duration.ofMillis(1))).isTrue();
            assertThat(c.redisAtBoot(true, Duration.ofSeconds(5), s.rateLimitFallback())).isEqualTo(Optional.empty());
        }
    }
}
