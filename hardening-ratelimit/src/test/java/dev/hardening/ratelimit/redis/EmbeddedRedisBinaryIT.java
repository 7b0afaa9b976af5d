package dev.hardening.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without redis-server on the PATH: the binary the build obtains from
 * Maven Central must start and answer, even here where a system redis-server exists.
 */
class EmbeddedRedisBinaryIT {

    @Test
    void redisBinaryFromMavenCentralStartsAndAnswers() throws IOException, InterruptedException {
        String binary = RedisServers.embeddedBinary();
        assertThat(binary).doesNotEndWith("/redis-server").contains("redis-server-");
        int port = RedisServers.freePort();
        Path dir = Files.createTempDirectory("redis-embedded");
        Process p = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            assertThat(RedisServers.await(Duration.ofSeconds(10), () -> RedisServers.ping(port)))
                    .as(Files.readString(dir.resolve("out.log"))).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
