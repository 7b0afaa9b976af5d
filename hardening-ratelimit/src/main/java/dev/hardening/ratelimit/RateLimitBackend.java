package dev.hardening.ratelimit;

/**
 * Where rate-limit state lives ({@code RATE_LIMIT_BACKEND}), when chosen explicitly; unset means
 * "the shared backend if one is configured, else memory". Bound from settings by name, any case.
 */
public enum RateLimitBackend {
    /** The configured {@link SharedBackend} (Redis); building fails if none is configured. */
    REDIS,
    /**
     * This process only, even if a shared backend is configured: each replica enforces the limit on
     * its own. Reported as a WARN rather than a FAIL in production, since it was chosen.
     */
    MEMORY
}
