package dev.hardening.config.archunit;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

/**
 * An ArchUnit rule that keeps configuration in one place: no class outside the ones you name may
 * read the environment or system properties ({@code System.getenv}, {@code System.getProperty},
 * {@code System.getProperties}, {@code Integer.getInteger}, {@code Long.getLong},
 * {@code Boolean.getBoolean}). Needs {@code com.tngtech.archunit:archunit} on the test classpath.
 *
 * <pre>{@code
 * @Test
 * void onlySettingsReadTheEnvironment() {
 *     JavaClasses classes = new ClassFileImporter()
 *         .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
 *         .importPackages("com.example");
 *     ConfigDiscipline.environmentReadOnlyBy(AppSettings.class).check(classes);
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ConfigDiscipline {
    private ConfigDiscipline() {
    }

    /**
     * @param configClasses the classes allowed to read the environment (nested classes of them
     *                      included); {@code dev.hardening.config} is always allowed
     * @return the rule
     */
    public static ArchRule environmentReadOnlyBy(Class<?>... configClasses) {
        DescribedPredicate<JavaClass> allowed = belongToAnyOf(configClasses).or(resideInAnyPackage("dev.hardening.config.."));
        return rule(allowed);
    }

    /**
     * @param packageIdentifiers ArchUnit package identifiers allowed to read the environment,
     *                           such as {@code com.example.config..}
     * @return the rule
     */
    public static ArchRule environmentReadOnlyIn(String... packageIdentifiers) {
        DescribedPredicate<JavaClass> allowed = resideInAnyPackage(packageIdentifiers).or(resideInAnyPackage("dev.hardening.config.."));
        return rule(allowed);
    }

    private static ArchRule rule(DescribedPredicate<JavaClass> allowed) {
        return noClasses().that(DescribedPredicate.not(allowed))
                .should().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class, String.class)
                .orShould().callMethod(System.class, "getProperties")
                .orShould().callMethod(Integer.class, "getInteger", String.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class, int.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class, Integer.class)
                .orShould().callMethod(Long.class, "getLong", String.class)
                .orShould().callMethod(Long.class, "getLong", String.class, long.class)
                .orShould().callMethod(Long.class, "getLong", String.class, Long.class)
                .orShould().callMethod(Boolean.class, "getBoolean", String.class)
                .because("configuration is read in one place, validated at boot (12-factor III); "
                        + "take values from the settings record instead");
    }
}
