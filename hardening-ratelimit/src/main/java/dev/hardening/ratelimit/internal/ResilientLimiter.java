package dev.hardening.ratelimit.internal;

import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Primary limiter guarded by a circuit breaker, with a fallback decision whenever the primary cannot
 * decide. Never throws to the caller for valid input. Not public API; build through
 * {@code RateLimiter.resilientBuilder}. Thread-safe.
 */
public final class ResilientLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientLimiter.class);

    private final RateLimiter primary;
    private final CircuitBreaker breaker;
    private final FallbackMode mode;
    private final RateLimiter local;
    private final Duration closedRetryAfter;
    private final long syncWaitNanos;
    private final RateLimitCounters counters;
    private final TimeSource time;

    /**
     * @param primary          the Redis limiter
     * @param breaker          the circuit breaker guarding it
     * @param mode             the fallback mode
     * @param local            the local fallback limiter (used for {@link FallbackMode#LOCAL})
     * @param closedRetryAfter retry-after reported by fail-closed decisions
     * @param syncWait         longest synchronous wait for the primary
     * @param time             measures the primary's call durations for the breaker
     */
    public ResilientLimiter(RateLimiter primary, CircuitBreaker breaker, FallbackMode mode, RateLimiter local,
                            Duration closedRetryAfter, Duration syncWait, TimeSource time) {
        this.time = Objects.requireNonNull(time, "time");
        this.primary = Objects.requireNonNull(primary, "primary");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.local = Objects.requireNonNull(local, "local");
        this.closedRetryAfter = Objects.requireNonNull(closedRetryAfter, "closedRetryAfter");
        this.syncWaitNanos = syncWait.toNanos();
        this.counters = primary.counters();
        counters.breakerStateSource(() -> breaker.getState().name());
        breaker.getEventPublisher().onStateTransition(event -> {
            counters.recordBreakerTransition(event.getStateTransition().getFromState().name(),
                    event.getStateTransition().getToState().name());
            LOG.warn("rate limiter {}: Redis circuit breaker {} (fallback: {})", breaker.getName(),
                    event.getStateTransition(), mode.name().toLowerCase(java.util.Locale.ROOT));
        });
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        RateLimiter.checkRequest(key, cost);
        if (!breaker.tryAcquirePermission()) {
            return fallback(key, cost);
        }
        long start = time.nanoTime();
        CompletableFuture<Decision> future;
        try {
            future = primary.tryAcquireAsync(key, cost).toCompletableFuture();
        } catch (RuntimeException e) {
            return failed(key, cost, start, e);
        }
        try {
            Decision d = future.get(syncWaitNanos, TimeUnit.NANOSECONDS);
            long took = time.nanoTime() - start;
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            counters.recordPrimaryCall(Duration.ofNanos(took), true);
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            breaker.releasePermission();
            return fallback(key, cost);
        } catch (ExecutionException e) {
            return failed(key, cost, start, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            counters.recordError();
            return failed(key, cost, start, e);
        }
    }

    @Override
    public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
        RateLimiter.checkRequest(key, cost);
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.completedFuture(fallback(key, cost));
        }
        long start = time.nanoTime();
        CompletionStage<Decision> stage;
        try {
            stage = primary.tryAcquireAsync(key, cost);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(key, cost, start, e));
        }
        return stage.handle((d, error) -> {
            if (error == null) {
                long took = time.nanoTime() - start;
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                counters.recordPrimaryCall(Duration.ofNanos(took), true);
                return d;
            }
            return failed(key, cost, start, error);
        });
    }

    private Decision failed(String key, long cost, long start, Throwable error) {
        long took = time.nanoTime() - start;
        breaker.onError(took, TimeUnit.NANOSECONDS, error);
        counters.recordPrimaryCall(Duration.ofNanos(took), false);
        return fallback(key, cost);
    }

    private Decision fallback(String key, long cost) {
        Decision d;
        switch (mode) {
            case OPEN:
                d = Decision.of(true, Duration.ZERO, List.of(), DecisionSource.FALLBACK_OPEN);
                break;
            case CLOSED:
                d = Decision.of(false, closedRetryAfter, List.of(), DecisionSource.FALLBACK_CLOSED);
                break;
            default:
                d = local.tryAcquire(key, cost);
                break;
        }
        counters.record(d);
        return d;
    }

    @Override
    public RateLimitPolicy policy() {
        return primary.policy();
    }

    @Override
    public RateLimitCounters counters() {
        return counters;
    }

    /** @return the circuit breaker */
    public CircuitBreaker breaker() {
        return breaker;
    }
}
