package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupReportTest {

    private static final TimeSource NOV_24 = ManualTime.at("2026-11-24T10:00:00Z");

    private static StartupReport.Builder report(AppEnvironment env) {
        return StartupReport.builder(env).timeSource(NOV_24)
                .add(Finding.pass("HC-M001", "12-factor III. Config", "APP_ENV", "PRODUCTION mode", ""))
                .add(Finding.fail("HC-S001", "12-factor III. Config", "SECRET_KEY", "HMAC_KEY too weak: 8 chars", "openssl rand -base64 32"))
                .add(Finding.warn("HC-S003", "12-factor III. Config", "WEBHOOK_SECRET", "file is group-readable", "chmod 0400"));
    }

    @Test
    void rendersOneLinePerFindingWithStatusIdSubjectAndFix() {
        StartupReport r = report(AppEnvironment.PRODUCTION).build();
        List<String> lines = r.renderTable().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("hardening startup report (environment: PRODUCTION)");
        assertThat(lines.get(2)).startsWith("PASS").contains("HC-M001", "APP_ENV");
        assertThat(lines.get(3)).startsWith("FAIL").contains("HC-S001", "SECRET_KEY", "fix: openssl rand -base64 32");
        assertThat(lines.get(5)).isEqualTo("1 PASS, 1 WARN, 1 FAIL - refusing to start in production");
        assertThat(r.hasFailures()).isTrue();
    }

    @Test
    void devModeIsAnnouncedLoudly() {
        String table = StartupReport.builder(AppEnvironment.DEV).build().renderTable();
        assertThat(table).contains("!!! DEV MODE - NOT FOR PRODUCTION");
    }

    @Test
    void enforceThrowsListingOnlyTheFailures() {
        StartupReport r = report(AppEnvironment.PRODUCTION).build();
        assertThatThrownBy(r::enforce).isInstanceOf(StartupCheckException.class)
                .hasMessage("HC-R000: startup checks failed (1 FAIL)\n  HC-S001 SECRET_KEY: HMAC_KEY too weak: 8 chars")
                .satisfies(e -> assertThat(((StartupCheckException) e).report()).isSameAs(r));
    }

    @Test
    void silenceWithReasonAndExpiryPassesUntilItExpiresThenFailsAgain() {
        StartupReport active = report(AppEnvironment.PRODUCTION)
                .silence("HC-S001:SECRET_KEY", "legacy clients until migration", LocalDate.of(2026, 11, 24)).build();
        assertThat(active.hasFailures()).isFalse();
        assertThat(active.renderTable()).contains("SILENCED", "silenced until 2026-11-24 (legacy clients until migration); FAIL:");
        active.enforce();

        StartupReport expired = report(AppEnvironment.PRODUCTION)
                .silence("HC-S001", "legacy clients until migration", LocalDate.of(2026, 11, 23)).build();
        assertThat(expired.hasFailures()).isTrue();
        assertThat(expired.renderTable()).contains("silence expired on 2026-11-23");
        assertThat(expired.lines().get(1).effectiveStatus()).isEqualTo(FindingStatus.FAIL);
    }

    @Test
    void expiredSilenceOfAWarningCountsAsFailToo() {
        StartupReport r = StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(NOV_24)
                .add(Finding.warn("HC-S003", "r", "X", "d", "f")).silence("HC-S003", "ok", LocalDate.of(2026, 1, 1)).build();
        assertThat(r.hasFailures()).isTrue();
    }

    @Test
    void silencesNeedAReasonAndUnusedOnesAreWarned() {
        assertThatThrownBy(() -> StartupReport.builder(AppEnvironment.PRODUCTION).silence("HC-S001", " ", LocalDate.MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason is blank");
        StartupReport r = StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(NOV_24)
                .silence("HC-X999", "old", LocalDate.of(2027, 1, 1)).build();
        assertThat(r.lines()).singleElement().satisfies(l -> {
            assertThat(l.finding().id()).isEqualTo("HC-R001");
            assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.WARN);
        });
    }

    @Test
    void aCheckThatThrowsBecomesAFailWithoutItsMessage() {
        StartupCheck broken = env -> {
            throw new IllegalStateException("password=hunter2");
        };
        StartupReport r = StartupReport.builder(AppEnvironment.PRODUCTION).check(broken).build();
        assertThat(r.hasFailures()).isTrue();
        assertThat(r.renderTable()).contains("HC-R002", "threw IllegalStateException").doesNotContain("hunter2");
    }

    @Test
    void checksReceiveTheReportEnvironment() {
        StartupCheck strictInProd = env -> List.of(new Finding("X-1", env.policyViolation(), "r", "", "d", "f"));
        assertThat(StartupReport.builder(AppEnvironment.DEV).check(strictInProd).build().hasFailures()).isFalse();
        assertThat(StartupReport.builder(AppEnvironment.PRODUCTION).check(strictInProd).build().hasFailures()).isTrue();
    }

    @Test
    void rendersJsonWithEscapingAndSilences() {
        StartupReport r = StartupReport.builder(AppEnvironment.PRODUCTION).timeSource(NOV_24)
                .add(Finding.warn("HC-1", "rule", "S", "quote \" and\nnewline \\ tab\t", "fix"))
                .add(Finding.fail("HC-2", "rule", "", "bad", "fix it"))
                .silence("HC-2", "why", LocalDate.of(2026, 12, 1)).build();
        assertThat(r.toJson()).isEqualTo("{\"environment\":\"PRODUCTION\",\"summary\":{\"pass\":1,\"warn\":1,\"fail\":0},"
                + "\"findings\":[{\"id\":\"HC-1\",\"status\":\"WARN\",\"reportedStatus\":\"WARN\",\"rule\":\"rule\",\"subject\":\"S\","
                + "\"detail\":\"quote \\\" and\\nnewline \\\\ tab\\t\",\"fix\":\"fix\"},"
                + "{\"id\":\"HC-2\",\"status\":\"PASS\",\"reportedStatus\":\"FAIL\",\"rule\":\"rule\",\"subject\":\"\","
                + "\"detail\":\"silenced until 2026-12-01 (why); FAIL: bad\",\"fix\":\"fix it\","
                + "\"silence\":{\"reason\":\"why\",\"expires\":\"2026-12-01\",\"expired\":false}}]}");
    }

    @Test
    void devBindingOnNetworkFailsUnlessExplicitlyAllowed() {
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "0.0.0.0", false).status()).isEqualTo(FindingStatus.FAIL);
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "0.0.0.0", true).status()).isEqualTo(FindingStatus.WARN);
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "127.0.0.1", false).status()).isEqualTo(FindingStatus.PASS);
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.TEST, "::1", false).status()).isEqualTo(FindingStatus.PASS);
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.PRODUCTION, "0.0.0.0", false).status()).isEqualTo(FindingStatus.PASS);
    }

    @Test
    void devBindingNamesTheSettingsItIsGiven() {
        Finding refused = EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "0.0.0.0", false, "server.address",
                "hardening.allow-dev-on-network");
        assertThat(refused.subject()).isEqualTo("server.address");
        assertThat(refused.fix()).contains("hardening.allow-dev-on-network=true").doesNotContain("ALLOW_DEV_ON_NETWORK");
        Finding allowed = EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "0.0.0.0", true, "server.address",
                "hardening.allow-dev-on-network");
        assertThat(allowed.detail()).contains("explicitly allowed by hardening.allow-dev-on-network");
        assertThat(EnvironmentChecks.devModeBinding(AppEnvironment.DEV, "0.0.0.0", false).subject()).isEqualTo("BIND_ADDRESS");
    }
}
