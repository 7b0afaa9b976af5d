package dev.hardening.ratelimit;

/**
 * What a Redis-backed limiter does while Redis is unavailable ({@code RATE_LIMIT_FALLBACK}); bound
 * from settings by name, any case.
 */
public enum FallbackMode {
    /** Enforce a configurable share of the limit in a bounded local limiter (the default). */
    LOCAL,
    /** Allow every request (fail open): availability over protection. Reported as a startup warning. */
    OPEN,
    /** Deny every request (fail closed): protection over availability. */
    CLOSED
}
