package dev.hardening.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigException;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.StartupCheckException;
import dev.hardening.config.StartupReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SAMPLE.md, every problem in one boot: a failed bind still builds the components from the
 * settings that did bind, and their findings join the configuration errors in one report.
 */
class PartialBootTest {

    private static ConfigException bindFailure(Map<String, String> env) {
        try {
            HardeningConfig.builder().environment(env).build().bind(ServiceSettings.class);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    private static List<String> failing(StartupReport report) {
        return report.lines().stream().filter(l -> l.effectiveStatus() == FindingStatus.FAIL)
                .map(l -> l.finding().id() + " " + l.finding().subject()).toList();
    }

    @Test
    void componentFindingsJoinTheConfigurationErrorsInProductionWithoutAnIssuer() {
        // production, nothing fetched or connected at build time
        ConfigException e = bindFailure(Map.of("PORT", "70000", "ALLOW_DEV_ON_NETWORK", "perhaps"));
        ServiceSettings s = e.partialSettings(ServiceSettings.class).orElseThrow();
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.oidc().issuer()).isEmpty();

        try (Components components = Components.build(s, e.environment())) {
            StartupReport.Builder b = StartupReport.builder(e);
            components.checks().forEach(b::check);
            StartupReport report = b.build();

            assertThat(failing(report)).containsExactly("HC-E003 PORT", "HC-E002 ALLOW_DEV_ON_NETWORK",
                    "HC-E001 SECRET_KEY", "HC-E001 OIDC_ISSUER", "HC-E001 OIDC_AUDIENCE",
                    "HA-W001 WEBHOOK_SECRET", "HR-B001 REDIS_URI");
            // the verifier trusts no issuer and names none: no issuer line (HA-A001 to HA-A003)
            assertThat(report.findings()).noneMatch(f -> List.of("HA-A001", "HA-A002", "HA-A003").contains(f.id()));
            assertThat(report.findings()).anyMatch(f -> f.id().equals("HA-A005"));
            assertThatThrownBy(report::enforce).isInstanceOf(StartupCheckException.class);
        }
    }

    @Test
    void aWeakKeyAndTheMissingSettingsAreOneReport() {
        ConfigException e = bindFailure(Map.of("SECRET_KEY", "changeme"));
        assertThat(e.environment()).isEqualTo(AppEnvironment.PRODUCTION);

        try (Components components = Components.build(e.partialSettings(ServiceSettings.class).orElseThrow(), e.environment())) {
            StartupReport.Builder b = StartupReport.builder(e);
            components.checks().forEach(b::check);
            StartupReport report = b.build();

            assertThat(failing(report)).containsExactly("HC-E001 OIDC_ISSUER", "HC-E001 OIDC_AUDIENCE",
                    "HC-S001 SECRET_KEY", "HA-W001 WEBHOOK_SECRET", "HR-B001 REDIS_URI");
            assertThat(report.renderTable()).doesNotContainIgnoringCase("changeme");
        }
    }
}
