package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator silences from {@code SILENCE_<ID>=YYYY-MM-DD reason}. */
class SilencesTest {

    record Settings(@DefaultValue("8080") int port) {
    }

    record Required(int port) {
    }

    @TempDir
    Path dir;

    private static final Finding HTTP_ISSUER = Finding.fail("HA-A002", "auth", "OIDC_ISSUER", "issuer is plain http", "use https");

    private static BoundConfig<Settings> bind(Map<String, String> env) {
        return HardeningConfig.builder().environment(env).build().bind(Settings.class);
    }

    private static ConfigException failure(HardeningConfig config, Class<? extends Record> type) {
        try {
            config.bind(type);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void readsTheIdWithUnderscoresTheDateAndTheReason() {
        BoundConfig<Settings> config = bind(Map.of("SILENCE_HA_A002", "2026-12-31 mesh sidecar terminates TLS"));
        assertThat(config.silences()).containsExactly(
                new StartupReport.Silence("HA-A002", "mesh sidecar terminates TLS", LocalDate.of(2026, 12, 31)));
    }

    @Test
    void aSilencedFailShowsItsReasonAndExpiryAndDoesNotStopTheBoot() {
        StartupReport r = StartupReport.builder(bind(Map.of("SILENCE_HA_A002", "2026-12-31 mesh sidecar terminates TLS")))
                .add(HTTP_ISSUER).timeSource(ManualTime.at("2026-12-01T00:00:00Z")).build();
        StartupReport.Line line = r.lines().stream().filter(l -> l.finding().id().equals("HA-A002")).findFirst().orElseThrow();
        assertThat(line.effectiveStatus()).isEqualTo(FindingStatus.PASS);
        assertThat(r.renderTable()).containsPattern("SILENCED +HA-A002 +OIDC_ISSUER +silenced until 2026-12-31 "
                + "\\(mesh sidecar terminates TLS\\); FAIL: issuer is plain http");
        assertThat(r.toJson()).contains("\"silence\":{\"reason\":\"mesh sidecar terminates TLS\",\"expires\":\"2026-12-31\",\"expired\":false}");
        r.enforce();
    }

    @Test
    void theDateIsTheLastDayInUtcThenTheFindingFailsAgain() {
        BoundConfig<Settings> config = bind(Map.of("SILENCE_HA_A002", "2026-12-31 mesh sidecar"));
        ManualTime time = ManualTime.at("2026-12-31T23:59:59Z");
        assertThat(StartupReport.builder(config).add(HTTP_ISSUER).timeSource(time).build().hasFailures()).isFalse();
        time.advance(Duration.ofSeconds(1));
        StartupReport expired = StartupReport.builder(config).add(HTTP_ISSUER).timeSource(time).build();
        assertThat(expired.hasFailures()).isTrue();
        assertThat(expired.renderTable()).contains("silence expired on 2026-12-31 (mesh sidecar)");
    }

    @Test
    void aSilenceWithoutDateOrReasonIsAConfigurationErrorInTheSameBoot() {
        Map<String, String> env = new HashMap<>();
        env.put("SILENCE_HA_A002", "mesh sidecar, no date");
        env.put("SILENCE_HR_L001", "2026-12-31");
        env.put("SILENCE_HL_D001", "2026-02-30 not a real day");
        ConfigException e = failure(HardeningConfig.builder().environment(env).build(), Required.class);
        assertThat(e.problems()).extracting(p -> p.code().id() + " " + p.variable()).containsExactly(
                "HC-E001 PORT", "HC-E009 SILENCE_HA_A002", "HC-E009 SILENCE_HL_D001", "HC-E009 SILENCE_HR_L001");
        assertThat(e.problems().get(1).message()).isEqualTo("silence of HA-A002 has no valid date first (expected: YYYY-MM-DD reason)");
        assertThat(e.problems().get(3).message()).isEqualTo("silence of HR-L001 has no reason (expected: YYYY-MM-DD reason)");
    }

    @Test
    void aSilenceThatMatchesNothingIsAWarning() {
        StartupReport r = StartupReport.builder(bind(Map.of("SILENCE_HX_Z999", "2027-01-01 old")))
                .timeSource(ManualTime.at("2026-12-01T00:00:00Z")).build();
        assertThat(r.lines()).filteredOn(l -> l.finding().id().equals("HC-R001")).singleElement().satisfies(l -> {
            assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.WARN);
            assertThat(l.finding().subject()).isEqualTo("HX-Z999");
        });
        assertThat(r.hasFailures()).isFalse();
    }

    @Test
    void silenceVariablesAreNeverUnknownVariables() throws Exception {
        Path dotenv = Files.writeString(dir.resolve(".env"), "SILENCE_HC_C002=2027-01-01 dev box\n");
        BoundConfig<Settings> withPrefix = HardeningConfig.builder().prefix("SILENCE_")
                .environment(Map.of("SILENCE_HA_A002", "2027-01-01 mesh")).build().bind(Settings.class);
        assertThat(withPrefix.silences()).extracting(StartupReport.Silence::key).containsExactly("HA-A002");

        BoundConfig<Settings> app = HardeningConfig.builder().prefix("APP_").dotenvFile(dotenv)
                .environment(Map.of("SILENCE_PORT", "2027-01-01 nothing to do with APP_PORT")).build().bind(Settings.class);
        assertThat(app.silences()).extracting(StartupReport.Silence::key).containsExactly("HC-C002", "PORT");
        assertThat(app.findings()).noneMatch(f -> f.id().equals("HC-C001"));

        BoundConfig<Settings> noPrefix = bind(Map.of("SILENCE_PORTT", "2027-01-01 x"));
        assertThat(noPrefix.findings()).noneMatch(f -> f.id().equals("HC-C001"));
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironmentAsForEverySetting() {
        BoundConfig<Settings> config = HardeningConfig.builder().environment(Map.of("SILENCE_HA_A002", "2026-01-01 old"))
                .systemProperties(Map.of("SILENCE_HA_A002", "2027-06-30 new")).build().bind(Settings.class);
        assertThat(config.silences()).singleElement().satisfies(s -> assertThat(s.expires()).isEqualTo(LocalDate.of(2027, 6, 30)));
    }
}
