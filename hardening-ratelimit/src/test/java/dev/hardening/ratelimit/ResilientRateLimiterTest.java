package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.ratelimit.internal.ResilientLimiter;
import dev.hardening.testkit.FakeTime;
import dev.hardening.testkit.RedisServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResilientRateLimiterTest {

    /** A primary that fails on demand. */
    static final class FlakyLimiter implements RateLimiter {
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final RateLimitCounters counters = new RateLimitCounters();
        final RateLimitPolicy policy = RateLimitPolicy.parse("10/1m");

        @Override
        public Decision tryAcquire(String key, long cost) {
            return tryAcquireAsync(key, cost).toCompletableFuture().join();
        }

        @Override
        public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
            calls.incrementAndGet();
            if (failing.get()) {
                return CompletableFuture.failedFuture(new RateLimitUnavailableException("down", null));
            }
            return CompletableFuture.completedFuture(Decision.of(true, Duration.ZERO,
                    java.util.List.of(new LimitStatus(policy.limits().get(0), 9, Duration.ofSeconds(6))),
                    DecisionSource.REDIS));
        }

        @Override
        public RateLimitPolicy policy() {
            return policy;
        }

        @Override
        public RateLimitCounters counters() {
            return counters;
        }
    }

    @Test
    void pinsBreakerDefaultsThatSuitALimiter() {
        CircuitBreakerConfig c = ResilientLimiterBuilder.defaultCircuitBreakerConfig();
        assertThat(c.getSlidingWindowSize()).isEqualTo(20);
        assertThat(c.getMinimumNumberOfCalls()).isEqualTo(5);
        assertThat(c.getFailureRateThreshold()).isEqualTo(50f);
        assertThat(c.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(500L);
        assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
        assertThat(c.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(200));
        assertThat(ResilientLimiterBuilder.DEFAULT_LOCAL_SHARE).isEqualTo(1.0);
        assertThat(ResilientLimiterBuilder.DEFAULT_FALLBACK).isEqualTo(FallbackMode.LOCAL);
        assertThat(ResilientLimiterBuilder.DEFAULT_DECISION_TIMEOUT).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void localFallbackEnforcesTheConfiguredShareAndTheBreakerStopsCallingRedis() {
        FlakyLimiter primary = new FlakyLimiter();
        primary.failing.set(true);
        RateLimiter limiter = RateLimiter.resilientBuilder(primary).localShare(0.5).timeSource(FakeTime.create()).build();
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            Decision d = limiter.tryAcquire("k");
            assertThat(d.source()).isEqualTo(DecisionSource.FALLBACK_LOCAL);
            allowed += d.allowed() ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(5);
        assertThat(primary.calls.get()).isEqualTo(5);
        assertThat(limiter.counters().breakerState()).isEqualTo("OPEN");
        assertThat(limiter.counters().fallbackDecisions()).isEqualTo(20);
        assertThat(limiter.counters().breakerTransitions()).isEqualTo(1);
    }

    @Test
    void openAndClosedFallbacksNeverThrow() throws Exception {
        FlakyLimiter primary = new FlakyLimiter();
        primary.failing.set(true);
        RateLimiter open = RateLimiter.resilientBuilder(primary).fallback(FallbackMode.OPEN).build();
        assertThat(open.tryAcquire("k").allowed()).isTrue();
        assertThat(open.tryAcquireAsync("k", 1).toCompletableFuture().get().source())
                .isEqualTo(DecisionSource.FALLBACK_OPEN);
        RateLimiter closed = RateLimiter.resilientBuilder(primary).fallback(FallbackMode.CLOSED).build();
        Decision d = closed.tryAcquire("k");
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.source()).isEqualTo(DecisionSource.FALLBACK_CLOSED);
    }

    @Test
    void recoversOnceRedisAnswersAgain() {
        FlakyLimiter primary = new FlakyLimiter();
        primary.failing.set(true);
        RateLimiter limiter = RateLimiter.resilientBuilder(primary)
                .circuitBreakerConfig(CircuitBreakerConfig.from(ResilientLimiterBuilder.defaultCircuitBreakerConfig())
                        .waitDurationInOpenState(Duration.ofMillis(1)).build())
                .build();
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("k");
        }
        CircuitBreaker breaker = ((ResilientLimiter) limiter).breaker();
        // tripped: OPEN, or already HALF_OPEN when a call came more than the 1 ms wait after it opened
        assertThat(breaker.getState()).isIn(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);
        primary.failing.set(false);
        assertThat(RedisServers.await(Duration.ofSeconds(5), () -> {
            limiter.tryAcquire("k");
            return breaker.getState() == CircuitBreaker.State.CLOSED;
        })).isTrue();
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.REDIS);
    }

    @Test
    void rejectsOptionsSetTwice() {
        assertThatThrownBy(() -> RateLimiter.resilientBuilder(new FlakyLimiter()).fallback(FallbackMode.OPEN)
                .fallback(FallbackMode.CLOSED)).isInstanceOf(IllegalStateException.class).hasMessage("fallback: already set");
        assertThatThrownBy(() -> RateLimiter.resilientBuilder(new FlakyLimiter()).decisionTimeout(Duration.ofSeconds(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("decisionTimeout: PT6S (expected: PT0.001S to PT5S)");
    }

    @Test
    void resilientWithDefaultsFallsBackToTheGivenMode() {
        FlakyLimiter primary = new FlakyLimiter();
        primary.failing.set(true);
        assertThat(RateLimiter.resilient(primary, FallbackMode.CLOSED).tryAcquire("k").source())
                .isEqualTo(DecisionSource.FALLBACK_CLOSED);
    }
}
