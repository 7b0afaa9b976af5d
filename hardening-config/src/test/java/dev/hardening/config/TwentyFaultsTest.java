package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Twenty faults in, twenty lines out, in one bind. */
class TwentyFaultsTest {

    enum Mode { FAST, SAFE }

    record Settings(
            String databaseHost,
            int workers,
            Secret apiToken,
            @Range(min = 0, max = 65535) int port,
            @Range(min = 1, max = 10) long retries,
            boolean featureFlag,
            Duration timeout,
            @DurationRange(max = "1m") Duration pollInterval,
            URI issuer,
            URI callback,
            Mode mode,
            List<String> hosts,
            List<Integer> ports,
            @Size(max = 2) List<String> regions,
            @Size(min = 3) String clusterName,
            Secret webhookSecret,
            Secret sessionKey,
            Secret signingKey) {
    }

    @TempDir
    Path dir;

    @Test
    void everyFaultIsOneLineWithCodeVariableSourceAndFix() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Map<String, String> env = new HashMap<>();
        // 1-3: missing DATABASE_HOST, WORKERS, API_TOKEN (not set at all)
        env.put("APP_PORT", "70000");                         // 4 out of range
        env.put("APP_RETRIES", "0");                          // 5 out of range
        env.put("APP_FEATURE_FLAG", "perhaps");               // 6 not a boolean
        env.put("APP_TIMEOUT", "5 minutes");                  // 7 not a duration
        env.put("APP_POLL_INTERVAL", "2m");                   // 8 duration too large
        env.put("APP_ISSUER", "idp.example.com");             // 9 URI without scheme
        env.put("APP_CALLBACK", "https://exa mple.com/cb");   // 10 URI syntax
        env.put("APP_MODE", "turbo");                         // 11 not an enum constant
        env.put("APP_HOSTS", "a,,c");                         // 12 empty list item
        env.put("APP_PORTS", "80,http");                      // 13 list item not a number
        env.put("APP_REGIONS", "eu,us,ap");                   // 14 too many items
        env.put("APP_CLUSTER_NAME", "ab");                    // 15 too short
        env.put("APP_WEBHOOK_SECRET", "x");                   // 16 conflict with _FILE
        env.put("APP_WEBHOOK_SECRET_FILE", "/run/secrets/w");
        env.put("APP_SESSION_KEY_FILE", dir.resolve("absent").toString()); // 17 file does not exist
        env.put("APP_SIGNING_KEY_FILE", empty.toString());    // 18 empty file
        env.put("APP_TIMEOUTS", "1s");                        // 19 unknown, did you mean APP_TIMEOUT
        env.put("APP_LEGACY_OPTION", "1");                    // 20 unknown

        ConfigException e = null;
        try {
            HardeningConfig.builder().environment(env).prefix("APP_").build().bind(Settings.class);
        } catch (ConfigException thrown) {
            e = thrown;
        }
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(20);
        assertThat(e.getMessage().lines().skip(1).count()).isEqualTo(20);
        assertThat(e.getMessage().lines().findFirst().orElseThrow()).isEqualTo("HC-E000: configuration invalid, 20 problems");

        Map<ProblemCode, Long> byCode = e.problems().stream().collect(Collectors.groupingBy(ConfigProblem::code, Collectors.counting()));
        assertThat(byCode).containsEntry(ProblemCode.MISSING, 3L).containsEntry(ProblemCode.OUT_OF_RANGE, 5L)
                .containsEntry(ProblemCode.UNPARSABLE, 7L).containsEntry(ProblemCode.CONFLICT, 1L)
                .containsEntry(ProblemCode.BAD_FILE, 2L).containsEntry(ProblemCode.UNKNOWN, 2L);

        Set<String> variables = e.problems().stream().map(ConfigProblem::variable).collect(Collectors.toSet());
        assertThat(variables).hasSize(20);
        for (ConfigProblem p : e.problems()) {
            assertThat(p.code().id()).matches("HC-E00[1-8]");
            assertThat(p.source()).isNotBlank();
            assertThat(p.message()).isNotBlank();
            assertThat(p.fix()).isNotBlank();
        }
        assertThat(e.problems()).filteredOn(p -> p.variable().equals("APP_TIMEOUTS"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("did you mean APP_TIMEOUT?"));
        assertThat(e.problems()).filteredOn(p -> p.variable().equals("APP_PORT"))
                .singleElement().satisfies(p -> {
                    assertThat(p.source()).isEqualTo("environment variable APP_PORT");
                    assertThat(p.message()).isEqualTo("70000 is outside 0..65535");
                });
    }
}
