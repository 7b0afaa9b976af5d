package dev.hardening.lifecycle;

import dev.hardening.config.Checks;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a {@link Supervisor} restarts a worker: exponential backoff with full jitter, the cap applied
 * before the jitter ({@code delay = uniform[0, min(maxBackoff, initialBackoff × multiplier^attempt))}),
 * so at the cap restarts stay spread instead of synchronising; an OTP-style intensity limit (more
 * than {@code maxRestarts} restarts within {@code period} escalates); and a reset of the backoff
 * after a worker ran {@code resetAfter} without crashing.
 *
 * <p>Defaults: initial backoff {@value #DEFAULT_INITIAL_BACKOFF_MILLIS} ms, max backoff
 * {@value #DEFAULT_MAX_BACKOFF_SECONDS} s, multiplier {@value #DEFAULT_MULTIPLIER}, at most
 * {@value #DEFAULT_MAX_RESTARTS} restarts in {@value #DEFAULT_PERIOD_SECONDS} s, reset after
 * {@value #DEFAULT_RESET_AFTER_SECONDS} s, restart only on crash. Immutable and thread-safe.
 */
public final class RestartPolicy {

    /** Default first backoff ceiling, in milliseconds. */
    public static final int DEFAULT_INITIAL_BACKOFF_MILLIS = 200;
    /** Default backoff cap, in seconds. */
    public static final int DEFAULT_MAX_BACKOFF_SECONDS = 30;
    /** Default growth factor per attempt. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default restart intensity: restarts allowed per period. */
    public static final int DEFAULT_MAX_RESTARTS = 5;
    /** Default intensity period, in seconds. */
    public static final int DEFAULT_PERIOD_SECONDS = 60;
    /** Default stable run after which the backoff starts over, in seconds. */
    public static final int DEFAULT_RESET_AFTER_SECONDS = 60;

    /** Which exits are restarted. */
    public enum Restart {
        /** Only a worker that threw (OTP {@code transient}). */
        ON_CRASH,
        /** Also a worker that returned normally (OTP {@code permanent}). */
        ALWAYS
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final int maxRestarts;
    private final Duration period;
    private final Duration resetAfter;
    private final Restart restart;

    private RestartPolicy(Builder b) {
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.maxRestarts = b.maxRestarts;
        this.period = b.period;
        this.resetAfter = b.resetAfter;
        this.restart = b.restart;
    }

    /** @return the policy with every default */
    public static RestartPolicy defaults() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backoff ceiling for an attempt: {@code min(maxBackoff, initialBackoff × multiplier^attempt)}.
     *
     * @param attempt 0 for the first restart after a reset
     * @return the ceiling
     * @throws IllegalArgumentException if attempt is negative
     */
    public Duration ceiling(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 0)");
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, attempt);
        long max = maxBackoff.toNanos();
        return Duration.ofNanos(nanos >= max ? max : (long) nanos);
    }

    /**
     * The delay before a restart: full jitter over the capped ceiling.
     *
     * @param attempt 0 for the first restart after a reset
     * @param random  the random source; its {@code nextDouble()} picks the point in {@code [0, ceiling)}
     * @return the delay
     */
    public Duration backoff(int attempt, RandomGenerator random) {
        long ceiling = ceiling(attempt).toNanos();
        double u = random.nextDouble();
        if (!(u >= 0 && u < 1)) {
            u = 0;
        }
        return Duration.ofNanos((long) (u * ceiling));
    }

    /** @return the first backoff ceiling */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the backoff cap */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return restarts allowed within {@link #period()} before escalation */
    public int maxRestarts() {
        return maxRestarts;
    }

    /** @return the intensity window */
    public Duration period() {
        return period;
    }

    /** @return the stable run after which the backoff starts over */
    public Duration resetAfter() {
        return resetAfter;
    }

    /** @return which exits are restarted */
    public Restart restart() {
        return restart;
    }

    /**
     * Builds a {@link RestartPolicy}. Each option may be set once ({@code "option: already set"}
     * otherwise), is validated at once and rejects {@code null}; unset options take the documented
     * defaults in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private Duration initialBackoff;
        private Duration maxBackoff;
        private Double multiplier;
        private Integer maxRestarts;
        private Duration period;
        private Duration resetAfter;
        private Restart restart;

        private Builder() {
        }

        /**
         * @param d the first backoff ceiling
         * @return this
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException    if already set
         */
        public Builder initialBackoff(Duration d) {
            initialBackoff = Checks.setOnce(initialBackoff, Checks.positive(d, "initialBackoff"), "initialBackoff");
            return this;
        }

        /**
         * @param d the backoff cap
         * @return this
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException    if already set
         */
        public Builder maxBackoff(Duration d) {
            maxBackoff = Checks.setOnce(maxBackoff, Checks.positive(d, "maxBackoff"), "maxBackoff");
            return this;
        }

        /**
         * @param m growth per attempt
         * @return this
         * @throws IllegalArgumentException if below 1 or not finite
         * @throws IllegalStateException    if already set
         */
        public Builder multiplier(double m) {
            Checks.setOnce(multiplier, Boolean.TRUE, "multiplier");
            if (!(m >= 1.0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("multiplier: " + m + " (expected: >= 1 and finite)");
            }
            multiplier = m;
            return this;
        }

        /**
         * OTP restart intensity: more than {@code maxRestarts} restarts within {@code period} escalates.
         *
         * @param max    restarts allowed in the window
         * @param window the window
         * @return this
         * @throws IllegalArgumentException if max is negative or above 10000, or the window not positive
         * @throws IllegalStateException    if already set
         */
        public Builder intensity(int max, Duration window) {
            Checks.setOnce(maxRestarts, Boolean.TRUE, "intensity");
            Checks.inRange(max, 0, 10_000, "maxRestarts");
            period = Checks.positive(window, "period");
            maxRestarts = max;
            return this;
        }

        /**
         * @param d how long a worker must run without crashing for the backoff to start over
         * @return this
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException    if already set
         */
        public Builder resetAfter(Duration d) {
            resetAfter = Checks.setOnce(resetAfter, Checks.positive(d, "resetAfter"), "resetAfter");
            return this;
        }

        /**
         * @param r which exits are restarted; default {@link Restart#ON_CRASH}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder restart(Restart r) {
            restart = Checks.setOnce(restart, r, "restart");
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalArgumentException if the initial backoff exceeds the cap
         */
        public RestartPolicy build() {
            if (initialBackoff == null) {
                initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MILLIS);
            }
            if (maxBackoff == null) {
                maxBackoff = Duration.ofSeconds(DEFAULT_MAX_BACKOFF_SECONDS);
            }
            if (multiplier == null) {
                multiplier = DEFAULT_MULTIPLIER;
            }
            if (maxRestarts == null) {
                maxRestarts = DEFAULT_MAX_RESTARTS;
                period = Duration.ofSeconds(DEFAULT_PERIOD_SECONDS);
            }
            if (resetAfter == null) {
                resetAfter = Duration.ofSeconds(DEFAULT_RESET_AFTER_SECONDS);
            }
            if (restart == null) {
                restart = Restart.ON_CRASH;
            }
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: <= maxBackoff " + maxBackoff + ")");
            }
            return new RestartPolicy(this);
        }
    }
}
