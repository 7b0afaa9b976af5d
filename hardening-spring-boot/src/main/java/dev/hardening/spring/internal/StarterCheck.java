package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * One starter component's lines of the startup report: the problems met while turning its
 * properties into a component (each a FAIL, so every problem shows in the one report instead of
 * failing bean creation one at a time) followed by the component's own checks. Immutable and thread-safe.
 */
public final class StarterCheck implements StartupCheck {

    /** Id of a property the starter could not use. */
    public static final String PROPERTY_ERROR_ID = "HS-C001";

    private final List<Finding> problems;
    private final List<StartupCheck> delegates;

    /**
     * @param problems  FAIL findings for unusable properties
     * @param delegates the built components' own checks
     */
    public StarterCheck(List<Finding> problems, List<StartupCheck> delegates) {
        this.problems = List.copyOf(problems);
        this.delegates = List.copyOf(delegates);
    }

    /**
     * @param property the property (or variable) at fault
     * @param detail   what is wrong, never its value when it may be secret
     * @param fix      what to write instead
     * @return a FAIL line with {@link #PROPERTY_ERROR_ID}
     */
    public static Finding propertyError(String property, String detail, String fix) {
        return Finding.fail(PROPERTY_ERROR_ID, "configuration is valid", property, detail, fix);
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        List<Finding> out = new ArrayList<>(problems);
        for (StartupCheck d : delegates) {
            out.addAll(d.findings(environment));
        }
        return out;
    }
}
