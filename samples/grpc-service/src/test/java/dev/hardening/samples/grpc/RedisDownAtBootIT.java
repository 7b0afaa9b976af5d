package dev.hardening.samples.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.testkit.JarProcess;
import dev.hardening.testkit.RedisServers;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code REDIS_URI} pointing at a Redis that is down at boot, as the HTTP sample rides it out: the
 * service starts, the report says Redis is unreachable, calls are served and limited by
 * {@code RATE_LIMIT_FALLBACK}, and the {@code mirror-cleanup} job waits (never runs without its
 * lease) until a redis-server answers on that port, then runs with a fencing token.
 */
class RedisDownAtBootIT {

    private static final Pattern RAN = Pattern.compile("job mirror-cleanup ran \\(fencing token (\\d+)\\)");

    @TempDir
    Path work;

    private static List<Long> tokens(JarProcess p) {
        return p.timedLines().stream().map(t -> RAN.matcher(t.line())).filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1))).collect(Collectors.toList());
    }

    private static long count(JarProcess p, String fragment) {
        return p.timedLines().stream().filter(t -> t.line().contains(fragment)).count();
    }

    @Test
    void startsServesOnTheFallbackAndRunsTheJobUnderItsLeaseOnceRedisAnswers() throws Exception {
        try (RedisServers.Server redis = RedisServers.standalone()) {
            redis.kill(); // its port now refuses connections: Redis is down
            try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                    "REDIS_URI", redis.uri(), "RATE_LIMIT", "3/1m", "RATE_LIMIT_FALLBACK", "local",
                    "CLEANUP_INTERVAL", "1s", "SHUTDOWN_DELAY", "0s"), work)) {
                String listening = p.awaitListening(CallsIT.BOOT);
                assertThat(listening).as(p.allOutput()).startsWith("grpc://127.0.0.1:");
                assertThat(p.stdout()).as("the report first, with the finding")
                        .startsWith("hardening startup report")
                        .containsPattern("WARN\\s+HG-R001\\s+REDIS_URI\\s+Redis at 127\\.0\\.0\\.1:" + redis.port()
                                + " unreachable at boot .*rate limits use RATE_LIMIT_FALLBACK=local until it answers"
                                + ".*job mirror-cleanup waits for it, then runs under its fenced lease");
                assertThat(p.allOutput()).as("no stack trace, no exception class name")
                        .doesNotContain("\tat ").doesNotContain("Exception");

                try (Hub hub = Hub.connect(listening)) {
                    assertThat(hub.health("")).isEqualTo(ServingStatus.SERVING);
                    String token = Hub.devToken(work, "node-1");
                    for (int i = 0; i < 3; i++) {
                        assertThat(hub.whoami(token).getSub()).isEqualTo("node-1");
                    }
                    assertThatThrownBy(() -> hub.whoami(token)).as("the local fallback enforces RATE_LIMIT")
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                    Metadata trailers = hub.lastTrailers.get();
                    assertThat(trailers.get(CallsIT.RATELIMIT_POLICY)).isEqualTo("\"3/1m\";q=3;w=60");
                    assertThat(hub.whoami(Hub.devToken(work, "node-2")).getSub()).as("per caller").isEqualTo("node-2");
                }

                // several ticks of the 1 s interval pass with Redis down: each is skipped, none runs
                assertThat(Hub.eventually(Duration.ofSeconds(20),
                        () -> count(p, "job mirror-cleanup: lease store UNREACHABLE, skipping this tick") >= 2))
                        .as(p.allOutput()).isTrue();
                assertThat(tokens(p)).as("no run without the fenced lease").isEmpty();

                redis.restart(); // a redis-server on that port again
                assertThat(Hub.eventually(Duration.ofSeconds(30), () -> tokens(p).size() >= 2)).as(p.allOutput()).isTrue();
                List<Long> tokens = tokens(p);
                assertThat(tokens.get(0)).as("a fencing token from Redis").isPositive();
                assertThat(tokens.get(1)).as("tokens increase").isGreaterThan(tokens.get(0));
                List<String> keys = redis.withCommands(c -> c.keys("*job:mirror-cleanup*"));
                assertThat(keys).as("the lease lives in that Redis").isNotEmpty();

                p.terminate();
                assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.allOutput()).isZero();
                assertThat(p.allOutput()).as("no stack trace, no exception class name")
                        .doesNotContain("\tat ").doesNotContain("Exception");
            }
        }
    }
}
