package dev.hardening.ratelimit;

import dev.hardening.ratelimit.internal.ResilientLimiter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link RateLimiter} that asks a Redis limiter first and never throws to the caller: a
 * Resilience4j circuit breaker tuned for a limiter guards Redis, and whenever Redis cannot decide (error,
 * timeout, disconnected, breaker open) the configured {@link FallbackMode} decides instead —
 * {@code LOCAL} (a bounded local limiter enforcing {@link Builder#localShare(double) a share} of each
 * limit), {@code OPEN} (allow) or {@code CLOSED} (deny). Breaker transitions are logged once each and
 * counted; recovery is automatic (after {@link #DEFAULT_WAIT_IN_OPEN_STATE} a few probe calls go to
 * Redis, and success closes the breaker).
 *
 * <p>Breaker defaults (pinned by a test): count-based window of {@value #DEFAULT_WINDOW_SIZE} calls,
 * opens at {@value #DEFAULT_FAILURE_RATE_PERCENT}% failures once {@value #DEFAULT_MINIMUM_CALLS} calls
 * were seen, calls slower than twice the default command timeout count as slow (and open it at 100% slow),
 * waits {@link #DEFAULT_WAIT_IN_OPEN_STATE} before probing with {@value #DEFAULT_HALF_OPEN_CALLS} calls.
 * Resilience4j's own defaults (60 s open, 100-call window) would keep a recovered Redis unused for a
 * minute. Decisions made while falling back are marked by {@link Decision#source()} and counted in
 * {@link RateLimitCounters#fallbackDecisions()}.
 */
public final class ResilientRateLimiter {

    /** Default breaker window, in calls. */
    public static final int DEFAULT_WINDOW_SIZE = 20;
    /** Default calls needed before the breaker may open. */
    public static final int DEFAULT_MINIMUM_CALLS = 5;
    /** Default failure rate that opens the breaker, percent. */
    public static final int DEFAULT_FAILURE_RATE_PERCENT = 50;
    /** Default probe calls in half-open state. */
    public static final int DEFAULT_HALF_OPEN_CALLS = 3;
    /** Default time the breaker stays open before probing Redis again. */
    public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofMillis(500);
    /** Default slow-call threshold. */
    public static final Duration DEFAULT_SLOW_CALL = Duration.ofMillis(200);
    /** Default share of each limit the local fallback enforces. */
    public static final double DEFAULT_LOCAL_SHARE = 1.0;
    /** Default longest synchronous wait for a Redis decision before falling back. */
    public static final Duration DEFAULT_DECISION_TIMEOUT = Duration.ofMillis(250);

    private ResilientRateLimiter() {
    }

    /**
     * @param primary the limiter to ask first, usually from {@link RedisRateLimiter}
     * @return a builder
     */
    public static Builder builder(RateLimiter primary) {
        return new Builder(primary);
    }

    /** @return the breaker configuration used unless {@link Builder#circuitBreakerConfig} replaces it */
    public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindow(DEFAULT_WINDOW_SIZE, DEFAULT_MINIMUM_CALLS,
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(DEFAULT_FAILURE_RATE_PERCENT)
                .slowCallDurationThreshold(DEFAULT_SLOW_CALL)
                .slowCallRateThreshold(100)
                .waitDurationInOpenState(DEFAULT_WAIT_IN_OPEN_STATE)
                .permittedNumberOfCallsInHalfOpenState(DEFAULT_HALF_OPEN_CALLS)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    /** Builder; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiter primary;
        private FallbackMode fallback = FallbackMode.LOCAL;
        private double localShare = DEFAULT_LOCAL_SHARE;
        private int localMaxKeys = LocalRateLimiter.DEFAULT_MAX_KEYS;
        private CircuitBreakerConfig breakerConfig = defaultCircuitBreakerConfig();
        private Duration decisionTimeout = DEFAULT_DECISION_TIMEOUT;
        private Ticker ticker = Ticker.system();

        private Builder(RateLimiter primary) {
            this.primary = Objects.requireNonNull(primary, "primary");
        }

        /**
         * @param mode what decides while Redis is unavailable; default {@link FallbackMode#LOCAL}
         * @return this
         */
        public Builder fallback(FallbackMode mode) {
            this.fallback = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param share fraction of each limit the local fallback enforces per process, in (0, 1]; with N
         *              replicas, {@code 1/N} keeps the aggregate at the limit; default {@value #DEFAULT_LOCAL_SHARE}
         * @return this
         */
        public Builder localShare(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("localShare: " + share + " (expected: 0 < share <= 1)");
            }
            this.localShare = share;
            return this;
        }

        /**
         * @param maxKeys most keys the local fallback holds; default {@value LocalRateLimiter#DEFAULT_MAX_KEYS}
         * @return this
         */
        public Builder localMaxKeys(int maxKeys) {
            if (maxKeys < 1 || maxKeys > 10_000_000) {
                throw new IllegalArgumentException("localMaxKeys: " + maxKeys + " (expected: 1 .. 10000000)");
            }
            this.localMaxKeys = maxKeys;
            return this;
        }

        /**
         * @param config replaces the default breaker configuration
         * @return this
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.breakerConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param timeout longest synchronous wait for Redis before falling back, 1 ms..5 s; default 250 ms
         *                (the backend's command timeout normally ends the wait first)
         * @return this
         */
        public Builder decisionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException("decisionTimeout: " + timeout + " (expected: PT0.001S .. PT5S)");
            }
            this.decisionTimeout = timeout;
            return this;
        }

        /**
         * @param ticker time source of the local fallback (tests); default {@link Ticker#system()}
         * @return this
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the limiter */
        public RateLimiter build() {
            RateLimitPolicy policy = primary.policy();
            RateLimiter local = LocalRateLimiter.builder(policy.scaled(localShare))
                    .maxKeys(localMaxKeys)
                    .ticker(ticker)
                    .source(DecisionSource.FALLBACK_LOCAL)
                    .build();
            CircuitBreaker breaker = CircuitBreaker.of("ratelimit-" + policy.fingerprint(), breakerConfig);
            Duration closedRetry = breakerConfig.getWaitIntervalFunctionInOpenState().apply(1) == null
                    ? DEFAULT_WAIT_IN_OPEN_STATE
                    : Duration.ofMillis(Math.max(1000L, breakerConfig.getWaitIntervalFunctionInOpenState().apply(1)));
            return new ResilientLimiter(primary, breaker, fallback, local, closedRetry, decisionTimeout);
        }
    }
}
