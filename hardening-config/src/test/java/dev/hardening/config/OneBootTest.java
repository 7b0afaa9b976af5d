package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration errors, policy failures and component findings: one exception, one report, one exit. */
class OneBootTest {

    record Oidc(@RequiredInProduction Optional<URI> issuer, @RequiredInProduction Optional<String> audience) {
    }

    record Settings(@SecretSetting(purpose = SecretPurpose.HMAC_KEY) Secret secretKey, Oidc oidc) {
    }

    @TempDir
    Path dir;

    private ConfigException bindFailure(Map<String, String> env) {
        try {
            HardeningConfig.builder().environment(env).devSecretsDirectory(dir).build().bind(Settings.class);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void weakSecretIsReportedInTheSameBootAsTheMissingSettings() {
        ConfigException e = bindFailure(Map.of("SECRET_KEY", "changeme"));

        assertThat(e.problems()).extracting(p -> p.code().id() + " " + p.variable())
                .containsExactly("HC-E001 OIDC_ISSUER", "HC-E001 OIDC_AUDIENCE");
        assertThat(e.findings()).filteredOn(f -> f.status() == FindingStatus.FAIL)
                .extracting(Finding::key).containsExactly("HC-S001:SECRET_KEY");
        List<String> lines = e.getMessage().lines().collect(Collectors.toList());
        assertThat(lines.get(0)).isEqualTo("HC-E000: configuration invalid, 2 problems, 1 failing check");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).startsWith("  HC-S001 SECRET_KEY: HMAC_KEY too weak: ").contains("-> fix: generate a new value, for example: openssl rand -base64 32");
        assertThat(e.getMessage()).doesNotContain("changeme\"").doesNotContain("=changeme");
        assertThat(e.environment()).isEqualTo(AppEnvironment.PRODUCTION);
    }

    @Test
    void aFailedBindBecomesOneReportBesideTheComponentsFindings() {
        ConfigException e = bindFailure(Map.of("SECRET_KEY", "changeme"));
        StartupReport report = StartupReport.builder(e)
                .add(Finding.fail("HA-A002", "auth", "OIDC_ISSUER", "issuer is plain http", "use https"))
                .timeSource(ManualTime.at("2026-11-24T10:00:00Z"))
                .build();

        assertThat(report.environment()).isEqualTo(AppEnvironment.PRODUCTION);
        assertThat(report.lines()).extracting(l -> l.effectiveStatus() + " " + l.finding().key())
                .contains("FAIL HC-E001:OIDC_ISSUER", "FAIL HC-E001:OIDC_AUDIENCE", "PASS HC-M001:APP_ENV",
                        "FAIL HC-S001:SECRET_KEY", "FAIL HA-A002:OIDC_ISSUER");
        assertThat(report.renderTable()).contains("required setting (in production) is missing (not set)",
                "fix: set OIDC_ISSUER");
        assertThatThrownBy(report::enforce).isInstanceOf(StartupCheckException.class)
                .hasMessageStartingWith("HC-R000: startup checks failed (4 FAIL)");
    }

    @Test
    void configurationErrorsCannotBeSilencedButTheirNeighboursCan() {
        ConfigException e = bindFailure(Map.of("SECRET_KEY", "changeme",
                "SILENCE_HC_E001", "2026-12-31 we know",
                "SILENCE_HC_S001", "2026-12-31 legacy clients until the migration"));
        StartupReport report = StartupReport.builder(e).timeSource(ManualTime.at("2026-11-24T10:00:00Z")).build();

        assertThat(report.lines()).filteredOn(l -> l.finding().id().equals("HC-E001"))
                .allSatisfy(l -> assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.FAIL));
        assertThat(report.lines()).filteredOn(l -> l.finding().id().equals("HC-S001"))
                .singleElement().satisfies(l -> assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.PASS));
        assertThat(report.lines()).filteredOn(l -> l.finding().id().equals("HC-R001"))
                .singleElement().satisfies(l -> assertThat(l.finding().subject()).isEqualTo("HC-E001"));
        assertThat(report.hasFailures()).isTrue();
    }

    @Test
    void aSuccessfulBindStartsTheReportWithItsFindingsAndSilences() {
        BoundConfig<Settings> config = HardeningConfig.builder().environment(Map.of(
                        "SECRET_KEY", HardeningConfigTest.STRONG, "OIDC_ISSUER", "https://idp.test", "OIDC_AUDIENCE", "api",
                        "SILENCE_HA_A002", "2026-12-31 mesh sidecar terminates TLS"))
                .build().bind(Settings.class);
        StartupReport report = StartupReport.builder(config)
                .add(Finding.fail("HA-A002", "auth", "OIDC_ISSUER", "issuer is plain http", "use https"))
                .timeSource(ManualTime.at("2026-12-31T23:59:59Z"))
                .build();

        report.enforce();
        assertThat(report.findings()).extracting(Finding::id).contains("HC-M001", "HC-S001", "HA-A002");
        assertThat(report.renderTable()).contains("SILENCED", "silenced until 2026-12-31 (mesh sidecar terminates TLS); FAIL:");
    }

    @Test
    void theReportBuilderTakesItsTimeSourceOnce() {
        StartupReport.Builder b = StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(ManualTime.at("2026-01-01T00:00:00Z"));
        assertThatThrownBy(() -> b.timeSource(TimeSource.system())).isInstanceOf(IllegalStateException.class)
                .hasMessage("timeSource: already set");
        assertThatThrownBy(() -> StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeSource: null");
    }

    @Test
    void silencesGivenInCodeStillWork() {
        StartupReport r = StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(ManualTime.at("2026-01-01T00:00:00Z"))
                .add(Finding.fail("HL-D001", "r", "", "d", "f")).silence("HL-D001", "why", LocalDate.of(2026, 1, 1)).build();
        assertThat(r.hasFailures()).isFalse();
    }
}
