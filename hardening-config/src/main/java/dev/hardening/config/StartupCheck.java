package dev.hardening.config;

import java.util.List;

/**
 * A component's description of its own security posture, collected into the
 * {@link StartupReport} before any port opens. Implementations must not throw for bad settings
 * (report a FAIL finding instead) and must never put a secret value in a finding.
 */
@FunctionalInterface
public interface StartupCheck {

    /**
     * @param environment the environment the service runs in; checks that relax outside
     *                    production report WARN instead of FAIL there
     * @return the findings, possibly empty; never null
     */
    List<Finding> findings(AppEnvironment environment);
}
