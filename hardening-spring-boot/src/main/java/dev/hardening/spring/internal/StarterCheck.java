package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * One starter component's lines of the startup report: the problems met while turning its
 * properties into a component (each a FAIL built by {@link PropertyVariables}, so every problem shows
 * in the one report instead of failing bean creation one at a time) followed by the component's own
 * checks. Immutable and thread-safe.
 */
public final class StarterCheck implements StartupCheck {

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

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        List<Finding> out = new ArrayList<>(problems);
        for (StartupCheck d : delegates) {
            out.addAll(d.findings(environment));
        }
        return out;
    }
}
