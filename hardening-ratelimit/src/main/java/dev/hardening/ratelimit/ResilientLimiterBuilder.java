package dev.hardening.ratelimit;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.internal.ResilientLimiter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;

/**
 * Builds a {@link RateLimiter} that asks a shared (Redis) limiter first and never throws to the caller: a
 * Resilience4j circuit breaker tuned for a limiter guards Redis, and whenever Redis cannot decide (error,
 * timeout, disconnected, breaker open) the configured {@link FallbackMode} decides instead —
 * {@code LOCAL} (a bounded local limiter enforcing {@link #localShare(double) a share} of each
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
 *
 * <p>Obtain it from {@link RateLimiter#resilientBuilder(RateLimiter)}. Each option may be set once
 * ({@code "fallback: already set"}); unset options take the defaults below. Not thread-safe; the
 * limiter it builds is.
 */
public final class ResilientLimiterBuilder {

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

    /** Default fallback mode. */
    public static final FallbackMode DEFAULT_FALLBACK = FallbackMode.LOCAL;

    private final RateLimiter primary;
    private FallbackMode fallback;
    private Double localShare;
    private Integer localMaxKeys;
    private CircuitBreakerConfig breakerConfig;
    private Duration decisionTimeout;
    private TimeSource timeSource;

    ResilientLimiterBuilder(RateLimiter primary) {
        this.primary = Checks.notNull(primary, "primary");
    }

    /** @return the breaker configuration used unless {@link #circuitBreakerConfig} replaces it */
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

    /**
     * @param mode what decides while the primary is unavailable; default {@link FallbackMode#LOCAL}
     * @return this
     * @throws NullPointerException  if null
     * @throws IllegalStateException if already set
     */
    public ResilientLimiterBuilder fallback(FallbackMode mode) {
        this.fallback = Checks.setOnce(this.fallback, mode, "fallback");
        return this;
    }

    /**
     * @param share fraction of each limit the local fallback enforces per process, in (0, 1]; with N
     *              replicas, {@code 1/N} keeps the aggregate at the limit; default {@value #DEFAULT_LOCAL_SHARE}
     * @return this
     * @throws IllegalArgumentException if outside (0, 1]
     * @throws IllegalStateException    if already set
     */
    public ResilientLimiterBuilder localShare(double share) {
        this.localShare = Checks.setOnce(this.localShare, checkShare(share), "localShare");
        return this;
    }

    static double checkShare(double share) {
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("localShare: " + share + " (expected: 0 < share <= 1)");
        }
        return share;
    }

    /**
     * @param maxKeys most keys the local fallback holds, 1 to {@value LocalLimiterBuilder#MAX_MAX_KEYS};
     *                default {@value LocalLimiterBuilder#DEFAULT_MAX_KEYS}
     * @return this
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException    if already set
     */
    public ResilientLimiterBuilder localMaxKeys(int maxKeys) {
        Checks.inRange(maxKeys, 1, LocalLimiterBuilder.MAX_MAX_KEYS, "localMaxKeys");
        this.localMaxKeys = Checks.setOnce(this.localMaxKeys, maxKeys, "localMaxKeys");
        return this;
    }

    /**
     * @param config replaces the default breaker configuration ({@link #defaultCircuitBreakerConfig()})
     * @return this
     * @throws NullPointerException  if null
     * @throws IllegalStateException if already set
     */
    public ResilientLimiterBuilder circuitBreakerConfig(CircuitBreakerConfig config) {
        this.breakerConfig = Checks.setOnce(this.breakerConfig, config, "circuitBreakerConfig");
        return this;
    }

    /**
     * @param timeout longest synchronous wait for the primary before falling back, 1 ms to 5 s; default
     *                {@link #DEFAULT_DECISION_TIMEOUT} (the backend's command timeout normally ends the wait first)
     * @return this
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException    if already set
     */
    public ResilientLimiterBuilder decisionTimeout(Duration timeout) {
        Checks.positive(timeout, "decisionTimeout");
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("decisionTimeout: " + timeout + " (expected: PT0.001S to PT5S)");
        }
        this.decisionTimeout = Checks.setOnce(this.decisionTimeout, timeout, "decisionTimeout");
        return this;
    }

    /**
     * @param timeSource time of the local fallback's buckets and of the breaker's call durations;
     *                   default {@link TimeSource#system()}
     * @return this
     * @throws NullPointerException  if null
     * @throws IllegalStateException if already set
     */
    public ResilientLimiterBuilder timeSource(TimeSource timeSource) {
        this.timeSource = Checks.setOnce(this.timeSource, timeSource, "timeSource");
        return this;
    }

    /** @return the limiter; never throws {@link RateLimitUnavailableException}; thread-safe */
    public RateLimiter build() {
        RateLimitPolicy policy = primary.policy();
        TimeSource time = timeSource == null ? TimeSource.system() : timeSource;
        FallbackMode mode = fallback == null ? DEFAULT_FALLBACK : fallback;
        CircuitBreakerConfig config = breakerConfig == null ? defaultCircuitBreakerConfig() : breakerConfig;
        RateLimiter local = RateLimiter.localBuilder(policy.scaled(localShare == null ? DEFAULT_LOCAL_SHARE : localShare))
                .maxKeys(localMaxKeys == null ? LocalLimiterBuilder.DEFAULT_MAX_KEYS : localMaxKeys)
                .timeSource(time)
                .source(DecisionSource.FALLBACK_LOCAL)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of("ratelimit-" + policy.fingerprint(), config);
        Duration closedRetry = config.getWaitIntervalFunctionInOpenState().apply(1) == null
                ? DEFAULT_WAIT_IN_OPEN_STATE
                : Duration.ofMillis(Math.max(1000L, config.getWaitIntervalFunctionInOpenState().apply(1)));
        return new ResilientLimiter(primary, breaker, mode, local, closedRetry,
                decisionTimeout == null ? DEFAULT_DECISION_TIMEOUT : decisionTimeout, time);
    }
}
