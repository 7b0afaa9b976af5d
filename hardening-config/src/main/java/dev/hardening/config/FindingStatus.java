package dev.hardening.config;

/** The outcome of one startup check. */
public enum FindingStatus {
    /** The check passed. */
    PASS,
    /** Acceptable here but worth fixing; never stops a boot. */
    WARN,
    /** Not acceptable: {@link StartupReport#enforce()} refuses to boot. */
    FAIL
}
