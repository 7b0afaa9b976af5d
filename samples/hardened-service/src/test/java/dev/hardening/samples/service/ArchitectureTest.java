package dev.hardening.samples.service;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.hardening.config.archunit.ModuleBoundaries;
import dev.hardening.config.internal.SystemTimeSource;
import org.junit.jupiter.api.Test;

/**
 * The project's shape, checked over the main classes of every module (this sample depends on
 * all of them): internals stay in their module, one time source, API-only module roots.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // samples/http-contract is test code that arrives as a jar (the black-box ITs): not main code
            .withImportOption(location -> !location.contains("/dev/hardening/samples/contract/"))
            // sibling modules arrive as jars under `verify` and as class directories in the IDE: take both
            .importPackages("dev.hardening.config", "dev.hardening.auth", "dev.hardening.ratelimit",
                    "dev.hardening.lifecycle", "dev.hardening.micrometer", "dev.hardening.samples");

    private static final String[] MODULE_ROOTS = {
        "dev.hardening.config", "dev.hardening.auth", "dev.hardening.ratelimit", "dev.hardening.lifecycle",
        "dev.hardening.micrometer"};

    @Test
    void noModuleReachesIntoAnotherModulesInternals() {
        ModuleBoundaries.internalsStayInTheirModule().check(MAIN);
    }

    @Test
    void theBoundaryRuleCatchesAnOutsiderImportingAnInternalClass() {
        JavaClasses offender = new ClassFileImporter().importClasses(UsesInternals.class);
        assertThatThrownBy(() -> ModuleBoundaries.internalsStayInTheirModule().check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("UsesInternals")
                .hasMessageContaining("dev.hardening.config.internal");
    }

    @Test
    void onlyTheSystemTimeSourceReadsTheJvmClocks() {
        noClasses().that().doNotBelongToAnyOf(SystemTimeSource.class)
                .and(resideInAnyPackage("dev.hardening.config..", "dev.hardening.auth..", "dev.hardening.ratelimit..",
                        "dev.hardening.lifecycle..", "dev.hardening.micrometer..", "dev.hardening.samples.."))
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .because("every wait and expiry takes dev.hardening.config.TimeSource, so tests can drive it")
                .check(MAIN);
    }

    @Test
    void moduleRootsHoldOnlyPublicApiTypes() {
        classes().that().resideInAnyPackage(MODULE_ROOTS).and().areTopLevelClasses()
                .should().bePublic()
                .because("a module's root package is its API; implementation lives in internal")
                .check(MAIN);
        classes().that().resideInAnyPackage(MODULE_ROOTS).and().areTopLevelClasses()
                .and().areNotInterfaces().and().areNotEnums().and().areNotRecords().and().areNotAnnotations()
                .and().areNotAssignableTo(Throwable.class)
                .should().haveModifier(JavaModifier.FINAL).orShould().haveModifier(JavaModifier.ABSTRACT)
                .because("public API classes are final (or sealed abstract bases); nothing to subclass by accident")
                .check(MAIN);
    }

    /** A deliberate offender for the boundary rule. */
    static final class UsesInternals {
        Object source() {
            return SystemTimeSource.INSTANCE;
        }
    }
}
