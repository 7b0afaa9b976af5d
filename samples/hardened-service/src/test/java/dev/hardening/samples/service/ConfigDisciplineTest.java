package dev.hardening.samples.service;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.hardening.config.archunit.ConfigDiscipline;
import org.junit.jupiter.api.Test;

/** The repository keeps its own rule: only the configuration reads the environment. */
class ConfigDisciplineTest {

    @Test
    void onlyTheConfigurationReadsTheEnvironmentAnywhereInTheProject() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // samples/http-contract is test code that arrives as a jar (it reads which jar to test)
                .withImportOption(location -> !location.contains("/dev/hardening/samples/contract/"))
                .importPackages("dev.hardening");
        ConfigDiscipline.environmentReadOnlyBy(ServiceSettings.class).check(classes);
    }

    @Test
    void theRuleCatchesAClassThatReadsTheEnvironment() {
        JavaClasses offender = new ClassFileImporter().importClasses(ReadsEnvironment.class);
        assertThatThrownBy(() -> ConfigDiscipline.environmentReadOnlyBy(ServiceSettings.class).check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReadsEnvironment")
                .hasMessageContaining("getenv");
    }

    /** A deliberate offender for the rule above. */
    static final class ReadsEnvironment {
        String port() {
            return System.getenv("PORT");
        }
    }
}
