package dev.hardening.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One token-bucket limit: {@code tokens} are added evenly over each {@code period} (greedy refill), and
 * the bucket holds at most {@code capacity} tokens (the burst; equal to {@code tokens} unless set).
 * {@code 100/1m} is {@code Limit.of(100, Duration.ofMinutes(1))}.
 *
 * <p>Rejects a quota or capacity below 1, a period below 1 ms or not a whole number of milliseconds, and
 * figures whose product {@code max(tokens, capacity) × period in µs} exceeds {@value #MAX_EXACT_PRODUCT}
 * (the Redis script computes in exact integer arithmetic on doubles). Immutable and thread-safe.
 */
public final class Limit {

    /** Largest {@code max(tokens, capacity) × period-in-microseconds} that is enforced exactly (2^52). */
    public static final long MAX_EXACT_PRODUCT = 1L << 52;

    private final long tokens;
    private final Duration period;
    private final long capacity;
    /** Built once: it goes into the {@code RateLimit} field of every decision. */
    private final String name;

    private Limit(long tokens, Duration period, long capacity) {
        this.tokens = tokens;
        this.period = period;
        this.capacity = capacity;
        String base = tokens + "/" + RateLimitPolicy.formatDuration(period);
        this.name = capacity == tokens ? base : base + ";burst=" + capacity;
    }

    /**
     * @param tokens tokens added per period, ≥ 1
     * @param period refill period, ≥ 1 ms, whole milliseconds
     * @return a limit whose burst capacity equals {@code tokens}
     * @throws RateLimitSpecException if a value is out of range
     */
    public static Limit of(long tokens, Duration period) {
        return of(tokens, period, tokens);
    }

    /**
     * @param tokens   tokens added per period, ≥ 1
     * @param period   refill period, ≥ 1 ms, whole milliseconds
     * @param capacity most tokens the bucket holds (the burst), ≥ 1
     * @return the limit
     * @throws RateLimitSpecException if a value is out of range
     */
    public static Limit of(long tokens, Duration period, long capacity) {
        Objects.requireNonNull(period, "period");
        if (tokens < 1) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.ZERO_QUOTA,
                    "limit tokens: " + tokens + " (expected: >= 1)");
        }
        if (capacity < 1) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.ZERO_QUOTA,
                    "limit burst: " + capacity + " (expected: >= 1)");
        }
        if (period.isNegative() || period.isZero()) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.ZERO_PERIOD,
                    "limit period: " + period + " (expected: > 0)");
        }
        if (period.toMillis() < 1 || period.getNano() % 1_000_000 != 0) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.OUT_OF_RANGE,
                    "limit period: " + period + " (expected: a whole number of milliseconds, >= 1ms)");
        }
        long micros;
        try {
            micros = Math.multiplyExact(period.toMillis(), 1000L);
            long product = Math.multiplyExact(Math.max(tokens, capacity), micros);
            if (product > MAX_EXACT_PRODUCT) {
                throw new ArithmeticException();
            }
        } catch (ArithmeticException e) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.OUT_OF_RANGE,
                    "limit: " + Math.max(tokens, capacity) + " per " + period
                            + " (expected: tokens x period in microseconds <= 2^52; use a shorter period)");
        }
        return new Limit(tokens, period, capacity);
    }

    /** @return tokens added per period */
    public long tokens() {
        return tokens;
    }

    /** @return the refill period */
    public Duration period() {
        return period;
    }

    /** @return the most tokens the bucket holds (the burst) */
    public long capacity() {
        return capacity;
    }

    /** @return the period in microseconds */
    public long periodMicros() {
        return period.toMillis() * 1000L;
    }

    /**
     * @param share fraction in (0, 1]
     * @return this limit with tokens and capacity scaled by {@code share}, never below 1
     */
    public Limit scaled(double share) {
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("share: " + share + " (expected: 0 < share <= 1)");
        }
        long t = Math.max(1L, (long) Math.floor(tokens * share));
        long c = Math.max(1L, (long) Math.floor(capacity * share));
        return new Limit(t, period, c);
    }

    /**
     * @return the limit's name in spec form, e.g. {@code 100/1m} or {@code 100/1m;burst=150}; also used as
     *     the policy name in the {@code RateLimit} header fields
     */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limit && ((Limit) o).tokens == tokens && ((Limit) o).capacity == capacity
                && ((Limit) o).period.equals(period);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, period, capacity);
    }

    @Override
    public String toString() {
        return name();
    }
}
