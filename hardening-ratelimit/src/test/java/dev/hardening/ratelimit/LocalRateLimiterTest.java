package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.internal.LocalBucketLimiter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    private final FakeTicker ticker = new FakeTicker();

    @Test
    void enforcesEveryLimitAndRefillsWithTime() {
        RateLimiter limiter = LocalRateLimiter.builder(RateLimitPolicy.parse("2/1s,3/1m")).ticker(ticker).build();
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        Decision denied = limiter.tryAcquire("a");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(denied.source()).isEqualTo(DecisionSource.LOCAL);
        ticker.advance(Duration.ofSeconds(1));
        Decision third = limiter.tryAcquire("a");
        assertThat(third.allowed()).isTrue();
        assertThat(third.limits()).extracting(LimitStatus::remaining).containsExactly(1L, 0L);
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
        assertThat(limiter.tryAcquire("b").allowed()).isTrue();
        assertThat(limiter.counters().allowed()).isEqualTo(4);
        assertThat(limiter.counters().denied()).isEqualTo(2);
    }

    @Test
    void holdsAtMostMaxKeys() {
        LocalBucketLimiter limiter = (LocalBucketLimiter) LocalRateLimiter.builder(RateLimitPolicy.parse("5/1m"))
                .maxKeys(100).ticker(ticker).build();
        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("caller-" + i);
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void dropsKeysIdleLongerThanTheirRefillTime() {
        LocalBucketLimiter limiter = (LocalBucketLimiter) LocalRateLimiter.builder(RateLimitPolicy.parse("1/1s"))
                .ticker(ticker).build();
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire("idle-" + i);
        }
        ticker.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire("fresh-" + i);
        }
        assertThat(limiter.size()).isLessThan(100);
        // an idle-expired key behaves as a full bucket again, exactly as a refilled one would
        assertThat(limiter.tryAcquire("idle-1").allowed()).isTrue();
    }

    @Test
    void neverAllowsACostAboveCapacity() {
        RateLimiter limiter = LocalRateLimiter.builder(RateLimitPolicy.parse("3/1m")).ticker(ticker).build();
        assertThat(limiter.tryAcquire("a", 4).retryAfter()).isEqualTo(Decision.NEVER);
    }
}
