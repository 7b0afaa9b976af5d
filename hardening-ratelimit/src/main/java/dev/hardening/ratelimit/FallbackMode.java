package dev.hardening.ratelimit;

import java.util.Locale;

/** What a Redis-backed limiter does while Redis is unavailable ({@code RATE_LIMIT_FALLBACK}). */
public enum FallbackMode {
    /** Enforce a configurable share of the limit in a bounded local limiter (the default). */
    LOCAL,
    /** Allow every request (fail open): availability over protection. Reported as a startup warning. */
    OPEN,
    /** Deny every request (fail closed): protection over availability. */
    CLOSED;

    /**
     * @param text {@code local}, {@code open} or {@code closed}, any case
     * @return the mode
     * @throws RateLimitSpecException with reason {@code UNKNOWN_FALLBACK} for anything else
     */
    public static FallbackMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "local":
                return LOCAL;
            case "open":
                return OPEN;
            case "closed":
                return CLOSED;
            default:
                throw new RateLimitSpecException(RateLimitSpecException.Reason.UNKNOWN_FALLBACK,
                        "RATE_LIMIT_FALLBACK: '" + (t.length() > 20 ? t.substring(0, 20) + "..." : t)
                                + "' (expected: local, open or closed)");
        }
    }
}
