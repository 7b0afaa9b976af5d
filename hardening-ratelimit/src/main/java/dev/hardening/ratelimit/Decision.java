package dev.hardening.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@link RateLimiter} call: allowed or denied, the tokens left, when more quota comes,
 * and which backend decided. Immutable and thread-safe.
 */
public final class Decision {

    /** A retry-after that means "never": the cost exceeds a limit's capacity. */
    public static final Duration NEVER = Duration.ofSeconds(Long.MAX_VALUE / 2);

    private final boolean allowed;
    private final long remaining;
    private final Duration retryAfter;
    private final List<LimitStatus> limits;
    private final DecisionSource source;

    private Decision(boolean allowed, long remaining, Duration retryAfter, List<LimitStatus> limits,
                     DecisionSource source) {
        this.allowed = allowed;
        this.remaining = remaining;
        this.retryAfter = retryAfter;
        this.limits = limits;
        this.source = source;
    }

    /**
     * @param allowed    whether the request may proceed
     * @param retryAfter when denied, how long until the same cost could be allowed (ZERO when allowed,
     *                   {@link #NEVER} when the cost exceeds a capacity)
     * @param limits     per-limit state after the decision, one per policy limit, in policy order;
     *                   empty only for fail-open/closed decisions
     * @param source     which backend decided
     * @return the decision; {@link #remaining()} is the smallest remaining of {@code limits}
     * @throws IllegalArgumentException if an allowed decision carries a positive retry-after
     */
    public static Decision of(boolean allowed, Duration retryAfter, List<LimitStatus> limits,
                              DecisionSource source) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(source, "source");
        List<LimitStatus> copy = List.copyOf(limits);
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
        }
        if (allowed && !retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: ZERO when allowed)");
        }
        long min = Long.MAX_VALUE;
        for (LimitStatus status : copy) {
            min = Math.min(min, status.remaining());
        }
        return new Decision(allowed, copy.isEmpty() ? 0 : min, retryAfter, copy, source);
    }

    /** @return whether the request may proceed */
    public boolean allowed() {
        return allowed;
    }

    /** @return tokens left in the most constrained limit after this decision (0 if unknown) */
    public long remaining() {
        return remaining;
    }

    /**
     * @return when denied, the time until the same cost could be allowed; {@link Duration#ZERO} when
     *     allowed; {@link #NEVER} when the cost can never be allowed
     */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** @return the longest time until any limit's bucket is full again (ZERO if none) */
    public Duration resetAfter() {
        Duration max = Duration.ZERO;
        for (LimitStatus status : limits) {
            if (status.resetAfter().compareTo(max) > 0) {
                max = status.resetAfter();
            }
        }
        return max;
    }

    /** @return per-limit state in policy order; unmodifiable; empty for fail-open/closed decisions */
    public List<LimitStatus> limits() {
        return limits;
    }

    /** @return which backend decided */
    public DecisionSource source() {
        return source;
    }

    @Override
    public String toString() {
        return "Decision{" + (allowed ? "allowed" : "denied") + ", remaining=" + remaining
                + ", retryAfter=" + retryAfter + ", source=" + source + "}";
    }
}
