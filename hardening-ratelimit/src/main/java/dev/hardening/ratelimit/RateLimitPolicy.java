package dev.hardening.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A set of limits enforced together on one key: a request is allowed only if every limit has the tokens
 * for it, and then it is charged to all of them atomically. Parsed from settings such as
 * {@code RATE_LIMIT=100/1m,1000/1h} by {@link #parse(String)}.
 *
 * <p>Spec grammar: {@code limit ("," limit)*}, {@code limit = N "/" [D] unit [";burst=" M]}, unit one of
 * {@code ms s m h d}; {@code 100/s} means {@code 100/1s}. Whitespace around items is ignored. At most
 * {@value #MAX_LIMITS} limits, each with a distinct period.
 *
 * <p>Immutable and thread-safe.
 */
public final class RateLimitPolicy {

    /** The most limits one policy may hold. */
    public static final int MAX_LIMITS = 8;

    private static final Pattern LIMIT = Pattern.compile(
            "(\\d{1,30})\\s*/\\s*(\\d{0,30})\\s*([a-zA-Z]+)(?:\\s*;\\s*burst\\s*=\\s*(\\d{1,30}))?");

    private final List<Limit> limits;
    private final String fingerprint;

    private RateLimitPolicy(List<Limit> limits) {
        this.limits = Collections.unmodifiableList(new ArrayList<>(limits));
        CRC32 crc = new CRC32();
        crc.update(toString().getBytes(StandardCharsets.US_ASCII));
        this.fingerprint = "r1" + Long.toHexString(crc.getValue());
    }

    /**
     * @param limits one to {@value #MAX_LIMITS} limits with distinct periods
     * @return the policy
     * @throws RateLimitSpecException if there are no limits, too many, or two with the same period
     */
    public static RateLimitPolicy of(List<Limit> limits) {
        Objects.requireNonNull(limits, "limits");
        if (limits.isEmpty()) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.EMPTY,
                    "rate limit policy: no limits (expected: at least one, e.g. 100/1m)");
        }
        if (limits.size() > MAX_LIMITS) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.TOO_MANY_LIMITS,
                    "rate limit policy: " + limits.size() + " limits (expected: <= " + MAX_LIMITS + ")");
        }
        Set<Duration> periods = new HashSet<>();
        for (Limit limit : limits) {
            Objects.requireNonNull(limit, "limit");
            if (!periods.add(limit.period())) {
                throw new RateLimitSpecException(RateLimitSpecException.Reason.TOO_MANY_LIMITS,
                        "rate limit policy: period " + formatDuration(limit.period())
                                + " given twice (expected: one limit per period)");
            }
        }
        return new RateLimitPolicy(limits);
    }

    /**
     * @param limits one to {@value #MAX_LIMITS} limits with distinct periods
     * @return the policy
     * @throws RateLimitSpecException as {@link #of(List)}
     */
    public static RateLimitPolicy of(Limit... limits) {
        return of(List.of(limits));
    }

    /**
     * Parses a spec such as {@code 100/1m,1000/1h} or {@code 10/1s;burst=20}.
     *
     * @param spec the setting's value
     * @return the policy
     * @throws RateLimitSpecException with {@link RateLimitSpecException.Reason#EMPTY} for a blank spec,
     *     {@code MALFORMED} for text such as {@code abc}, {@code ZERO_QUOTA} for {@code 0/1m},
     *     {@code ZERO_PERIOD} for {@code 10/0s}, {@code UNKNOWN_UNIT}, {@code OUT_OF_RANGE} or
     *     {@code TOO_MANY_LIMITS}
     */
    public static RateLimitPolicy parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.EMPTY,
                    "RATE_LIMIT: empty (expected: N/duration such as 100/1m, comma-separated)");
        }
        List<Limit> limits = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            limits.add(parseLimit(item.strip(), spec));
        }
        return of(limits);
    }

    private static Limit parseLimit(String item, String spec) {
        Matcher m = LIMIT.matcher(item);
        if (!m.matches()) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.MALFORMED,
                    "RATE_LIMIT: '" + abbreviate(item.isEmpty() ? spec : item)
                            + "' (expected: N/duration such as 100/1m or 10/1s;burst=20)");
        }
        long tokens = parseNumber(m.group(1), item);
        if (tokens < 1) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.ZERO_QUOTA,
                    "RATE_LIMIT: '" + item + "' allows " + tokens + " requests (expected: >= 1 per period)");
        }
        long amount = m.group(2).isEmpty() ? 1 : parseNumber(m.group(2), item);
        if (amount < 1) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.ZERO_PERIOD,
                    "RATE_LIMIT: '" + item + "' has a zero period (expected: a duration > 0 such as 1s or 1m)");
        }
        Duration period;
        try {
            period = unit(m.group(3), item).multipliedBy(amount);
        } catch (ArithmeticException e) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.OUT_OF_RANGE,
                    "RATE_LIMIT: '" + item + "' period too long (expected: at most a few days)");
        }
        long burst = m.group(4) == null ? tokens : parseNumber(m.group(4), item);
        try {
            return Limit.of(tokens, period, burst);
        } catch (RateLimitSpecException e) {
            throw new RateLimitSpecException(e.reason(), "RATE_LIMIT: '" + item + "': " + e.getMessage());
        }
    }

    private static long parseNumber(String digits, String item) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new RateLimitSpecException(RateLimitSpecException.Reason.OUT_OF_RANGE,
                    "RATE_LIMIT: '" + item + "' number too large (expected: <= " + Long.MAX_VALUE + ")");
        }
    }

    private static Duration unit(String unit, String item) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "ms":
                return Duration.ofMillis(1);
            case "s":
                return Duration.ofSeconds(1);
            case "m":
                return Duration.ofMinutes(1);
            case "h":
                return Duration.ofHours(1);
            case "d":
                return Duration.ofDays(1);
            default:
                throw new RateLimitSpecException(RateLimitSpecException.Reason.UNKNOWN_UNIT,
                        "RATE_LIMIT: '" + item + "' unit '" + abbreviate(unit)
                                + "' (expected: one of ms, s, m, h, d)");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /**
     * @param d a positive duration of whole milliseconds
     * @return the shortest spec form, e.g. {@code 1m}, {@code 90s}, {@code 250ms}
     */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    /** @return the limits in the order given; unmodifiable */
    public List<Limit> limits() {
        return limits;
    }

    /**
     * @param share fraction of every limit to keep, in (0, 1]
     * @return a policy whose every limit is scaled by {@code share} (never below 1 token)
     * @throws IllegalArgumentException if share is outside (0, 1]
     */
    public RateLimitPolicy scaled(double share) {
        List<Limit> scaled = new ArrayList<>();
        for (Limit limit : limits) {
            scaled.add(limit.scaled(share));
        }
        return new RateLimitPolicy(scaled);
    }

    /** @return the longest time an emptied bucket of this policy needs to be full again */
    public Duration maxRefillTime() {
        Duration max = Duration.ZERO;
        for (Limit limit : limits) {
            // ceil(capacity / tokens) periods is an upper bound on the time from empty to full
            long periods = (limit.capacity() + limit.tokens() - 1) / limit.tokens();
            Duration d = limit.period().multipliedBy(periods);
            if (d.compareTo(max) > 0) {
                max = d;
            }
        }
        return max;
    }

    /**
     * @return a short stable identifier of the limits (part of every Redis key, so a changed policy
     *     starts from fresh buckets instead of misreading old state)
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return the spec form, e.g. {@code 100/1m,1000/1h}; {@code parse(toString())} gives an equal policy */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Limit limit : limits) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(limit.name());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimitPolicy && ((RateLimitPolicy) o).limits.equals(limits);
    }

    @Override
    public int hashCode() {
        return limits.hashCode();
    }
}
