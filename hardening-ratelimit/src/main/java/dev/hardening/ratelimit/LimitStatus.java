package dev.hardening.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The state of one {@link Limit} after a decision: tokens left and the time until the bucket is full
 * again. Used for the {@code RateLimit} header field, one item per limit. Immutable.
 *
 * @param limit       the limit
 * @param remaining   tokens left after the decision, ≥ 0
 * @param resetAfter  time until the bucket is full again, ≥ 0
 */
public record LimitStatus(Limit limit, long remaining, Duration resetAfter) {

    /** Validates the components. */
    public LimitStatus {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining: " + remaining + " (expected: >= 0)");
        }
        if (resetAfter.isNegative()) {
            throw new IllegalArgumentException("resetAfter: " + resetAfter + " (expected: >= 0)");
        }
    }
}
