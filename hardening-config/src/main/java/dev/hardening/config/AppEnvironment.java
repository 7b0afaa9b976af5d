package dev.hardening.config;

import java.util.Locale;

/**
 * The mode a service runs in. Production is the default: only the exact values {@code dev} and
 * {@code test} (any case, surrounding blanks ignored) relax the checks; unset, empty and every
 * other value ({@code staging}, {@code self-hosted}, a typo) mean {@link #PRODUCTION}.
 */
public enum AppEnvironment {
    /** Production: every check enforced, weak settings refuse to boot. */
    PRODUCTION,
    /** Local development: policy failures become warnings, dev secrets may be generated. */
    DEV,
    /** Automated tests: relaxed like {@link #DEV}. */
    TEST;

    /** The variable that selects the environment. */
    public static final String VARIABLE = "APP_ENV";

    /**
     * Resolves the environment from the raw value of {@code APP_ENV}, failing closed.
     *
     * @param appEnv the raw value, may be null
     * @return {@link #DEV} or {@link #TEST} for those exact words, otherwise {@link #PRODUCTION}
     */
    public static AppEnvironment fromAppEnv(String appEnv) {
        if (appEnv == null) {
            return PRODUCTION;
        }
        switch (appEnv.strip().toLowerCase(Locale.ROOT)) {
            case "dev":
                return DEV;
            case "test":
                return TEST;
            default:
                return PRODUCTION;
        }
    }

    /** @return whether this is {@link #PRODUCTION} */
    public boolean isProduction() {
        return this == PRODUCTION;
    }

    /**
     * The status a policy violation gets in this environment: FAIL in production, WARN otherwise.
     *
     * @return {@link FindingStatus#FAIL} in production, {@link FindingStatus#WARN} in dev and test
     */
    public FindingStatus policyViolation() {
        return isProduction() ? FindingStatus.FAIL : FindingStatus.WARN;
    }
}
