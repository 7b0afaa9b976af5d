package dev.hardening.ratelimit;

/** Whether an HTTP adapter enforces its limiter's decisions or only observes them. */
public enum EnforcementMode {
    /** Denied requests get a 429. */
    ENFORCE,
    /**
     * Observe only: every request proceeds; would-be denials are counted in
     * {@link RateLimitCounters#shadowDenied()} and logged at debug level. For rolling out a new limit.
     */
    SHADOW
}
