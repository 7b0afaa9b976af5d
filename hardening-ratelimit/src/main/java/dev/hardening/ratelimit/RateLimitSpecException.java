package dev.hardening.ratelimit;

import java.util.Objects;

/**
 * Thrown when a rate-limit setting cannot be accepted: a malformed {@code RATE_LIMIT} spec such as
 * {@code abc}, a zero quota ({@code 0/1m}), a zero period ({@code 10/0s}), an unknown fallback mode or
 * backend, or a bad trusted-proxy CIDR. The {@link #reason()} is a stable code for programs; the message
 * names the setting, the offending text and what was expected.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class RateLimitSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Why a setting was rejected; {@link #code()} is stable across releases. */
    public enum Reason {
        /** The setting was empty or blank. */
        EMPTY("rate-limit.empty"),
        /** The text did not follow the expected syntax. */
        MALFORMED("rate-limit.malformed"),
        /** A limit allowed zero (or fewer) requests. */
        ZERO_QUOTA("rate-limit.zero-quota"),
        /** A limit's period was zero or negative. */
        ZERO_PERIOD("rate-limit.zero-period"),
        /** A duration used a unit other than ms, s, m, h, d. */
        UNKNOWN_UNIT("rate-limit.unknown-unit"),
        /** A number was too large to be enforced exactly. */
        OUT_OF_RANGE("rate-limit.out-of-range"),
        /** More limits than a policy may hold, or the same period twice. */
        TOO_MANY_LIMITS("rate-limit.too-many-limits"),
        /**
         * An unknown fallback mode; kept for stable codes, no longer thrown (settings binding rejects
         * unknown {@link FallbackMode} names itself).
         */
        UNKNOWN_FALLBACK("rate-limit.unknown-fallback"),
        /** A backend choice that cannot be honoured: {@code redis} without a shared backend. */
        UNKNOWN_BACKEND("rate-limit.unknown-backend"),
        /** A malformed Redis URI. */
        BAD_REDIS_URI("rate-limit.bad-redis-uri"),
        /** A malformed trusted-proxy CIDR. */
        BAD_CIDR("rate-limit.bad-cidr");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** @return the stable machine-readable code, e.g. {@code rate-limit.zero-quota} */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    /**
     * @param reason  why the setting was rejected
     * @param message a message naming the setting, the bad value and what was expected
     */
    public RateLimitSpecException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the setting was rejected */
    public Reason reason() {
        return reason;
    }
}
