package dev.hardening.samples.grpc;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAMPLE-GRPC.md "Once across replicas": two processes of the jar sharing one real redis-server. */
class OnceAcrossReplicasIT {

    private static final Pattern RAN = Pattern.compile("job mirror-cleanup ran \\(fencing token (\\d+)\\)");

    @TempDir
    Path work;

    record Run(long nanos, long token, int replica) {
    }

    private static List<Run> runs(List<JarProcess> replicas) {
        List<Run> all = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            for (JarProcess.Timed t : replicas.get(i).timedLines()) {
                Matcher m = RAN.matcher(t.line());
                if (m.find()) {
                    all.add(new Run(t.nanos(), Long.parseLong(m.group(1)), i));
                }
            }
        }
        all.sort(Comparator.comparingLong(Run::nanos));
        return all;
    }

    @Test
    void twoReplicasRunTheJobOncePerIntervalWithIncreasingFencingTokens() throws Exception {
        try (RedisServers.Server redis = RedisServers.standalone()) {
            List<JarProcess> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Path dir = Files.createDirectories(work.resolve("replica-" + i));
                    JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                            "REDIS_URI", redis.uri(), "CLEANUP_INTERVAL", "1s"), dir);
                    replicas.add(p);
                }
                for (JarProcess p : replicas) {
                    assertThat(p.awaitListening(CallsIT.BOOT)).as(p.allOutput()).isNotNull();
                    assertThat(p.stdout()).contains("HL-J001").contains("across replicas");
                }
                // both replicas up for at least 6 intervals
                long upSince = System.nanoTime();
                assertThat(Hub.eventually(Duration.ofSeconds(30), () -> runs(replicas).size() >= 6
                        && System.nanoTime() - upSince > Duration.ofSeconds(6).toNanos())).isTrue();
                List<Run> runs = runs(replicas);
                long seconds = Duration.ofNanos(runs.get(runs.size() - 1).nanos() - runs.get(0).nanos()).toSeconds();
                assertThat(runs.size()).as("once per interval across both, not once per replica: %s", runs)
                        .isLessThanOrEqualTo((int) seconds + 2);
                for (int i = 1; i < runs.size(); i++) {
                    assertThat(runs.get(i).token()).as("tokens strictly increase across replicas: %s", runs)
                            .isGreaterThan(runs.get(i - 1).token());
                    // half an interval (500 ms), less 100 ms for two processes' output pipes
                    assertThat(Duration.ofNanos(runs.get(i).nanos() - runs.get(i - 1).nanos()).toMillis())
                            .as("consecutive runs at least half an interval apart: %s", runs).isGreaterThanOrEqualTo(400);
                }
            } finally {
                for (JarProcess p : replicas) {
                    p.close();
                }
            }
        }
    }
}
