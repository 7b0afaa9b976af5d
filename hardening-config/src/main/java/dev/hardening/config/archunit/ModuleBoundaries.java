package dev.hardening.config.archunit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * An ArchUnit rule that keeps every hardening module's {@code internal} packages to that module:
 * a class may use {@code dev.hardening.X.internal..} only if it lives in {@code dev.hardening.X}
 * or below it. Internal classes are implementation, changed without notice; the jars carry
 * {@code Automatic-Module-Name}s, and this rule is what stops classpath users (and our own modules)
 * from reaching in.
 *
 * <pre>{@code
 * @Test
 * void nothingUsesHardeningInternals() {
 *     JavaClasses classes = new ClassFileImporter().importPackages("com.example");
 *     ModuleBoundaries.internalsStayInTheirModule().check(classes);
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ModuleBoundaries {

    private static final String ROOT = "dev.hardening.";
    private static final String INTERNAL = ".internal";

    private ModuleBoundaries() {
    }

    /**
     * @return the rule: no class outside {@code dev.hardening.X} depends on {@code dev.hardening.X.internal..}
     */
    public static ArchRule internalsStayInTheirModule() {
        return classes().should(new ArchCondition<JavaClass>("use no other module's internal package") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String owner = owningModule(d.getTargetClass().getPackageName());
                    if (owner == null) {
                        continue;
                    }
                    String from = item.getPackageName();
                    if (!from.equals(owner) && !from.startsWith(owner + ".")) {
                        events.add(SimpleConditionEvent.violated(item, d.getDescription()
                                + " reaches into " + owner + INTERNAL + ", which is not API"));
                    }
                }
            }
        }).because("internal packages are implementation; use the module's root package and its integration packages");
    }

    /** @return the module package owning {@code pkg} when {@code pkg} is an internal package of a hardening module, else null */
    static String owningModule(String pkg) {
        if (!pkg.startsWith(ROOT)) {
            return null;
        }
        int at = pkg.indexOf(INTERNAL, ROOT.length());
        while (at >= 0) {
            int end = at + INTERNAL.length();
            if (end == pkg.length() || pkg.charAt(end) == '.') {
                return pkg.substring(0, at);
            }
            at = pkg.indexOf(INTERNAL, end);
        }
        return null;
    }
}
