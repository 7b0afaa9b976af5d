package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.spring.autoconfigure.HardeningSecretsAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningStartupAutoConfiguration;
import dev.hardening.spring.internal.RequiredSecrets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

/** {@code hardening.required-secrets}: each variable read, judged and reported as hardening-config does. */
class RequiredSecretsTest {

    private static final String STRONG = "q8T1vX3mZ0pL7sR4wN9bC2eH6jK5yF0aQ8t1Vx3Mz0Pl";

    private static List<Finding> findings(MockEnvironment env, AppEnvironment mode) {
        return RequiredSecrets.bind(List.of("SECRET_KEY", "SIGNING_SECRET"), env, mode).findings(mode);
    }

    @Test
    void aStrongValuePassesAndIsAvailableByName() {
        MockEnvironment env = new MockEnvironment().withProperty("SECRET_KEY", STRONG).withProperty("SIGNING_SECRET", STRONG);
        RequiredSecrets secrets = RequiredSecrets.bind(List.of("SECRET_KEY"), env, AppEnvironment.PRODUCTION);
        assertThat(secrets.get("SECRET_KEY")).isPresent();
        assertThat(findings(env, AppEnvironment.PRODUCTION)).isNotEmpty()
                .allSatisfy(f -> assertThat(f.status()).isNotEqualTo(FindingStatus.FAIL))
                .anySatisfy(f -> {
                    assertThat(f.id()).isEqualTo("HC-S001");
                    assertThat(f.subject()).isEqualTo("SECRET_KEY");
                });
    }

    @Test
    void missingAndWeakValuesAreFailLinesNamingTheVariableNeverTheValue() {
        MockEnvironment env = new MockEnvironment().withProperty("SIGNING_SECRET", "changeme");
        List<Finding> out = findings(env, AppEnvironment.PRODUCTION);
        assertThat(out).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo("HC-E001");
            assertThat(f.subject()).isEqualTo("SECRET_KEY");
            assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
        });
        assertThat(out).anySatisfy(f -> {
            assertThat(f.subject()).isEqualTo("SIGNING_SECRET");
            assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
        });
        assertThat(out.toString()).doesNotContain("changeme");
    }

    @Test
    void aNameThatIsNotASecretVariableIsAPropertyError() {
        List<Finding> out = RequiredSecrets.bind(List.of("port"), new MockEnvironment(), AppEnvironment.PRODUCTION)
                .findings(AppEnvironment.PRODUCTION);
        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("HC-E002");
            assertThat(f.subject()).isEqualTo("hardening.required-secrets");
            assertThat(f.detail()).isEqualTo("\"port\" is not a variable name ending in _KEY or SECRET "
                    + "(property hardening.required-secrets)");
        });
    }

    @Test
    void aWeakRequiredSecretRefusesTheStartInProduction() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HardeningStartupAutoConfiguration.class,
                        HardeningSecretsAutoConfiguration.class))
                .withPropertyValues("hardening.deploy-check.enabled=false", "hardening.required-secrets=SECRET_KEY",
                        "SECRET_KEY=changeme")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    Throwable t = ctx.getStartupFailure();
                    while (!(t instanceof StartupRefusedException)) {
                        t = t.getCause();
                    }
                    assertThat(((StartupRefusedException) t).report().renderTable())
                            .contains("SECRET_KEY").doesNotContain("changeme");
                });
    }
}
