package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.ratelimit.internal.LocalBucketLimiter;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalLimiterTest {

    private final FakeTime time = FakeTime.create();

    @Test
    void enforcesEveryLimitAndRefillsWithTime() {
        RateLimiter limiter = RateLimiter.localBuilder(RateLimitPolicy.parse("2/1s,3/1m")).timeSource(time).build();
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        Decision denied = limiter.tryAcquire("a");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(denied.source()).isEqualTo(DecisionSource.LOCAL);
        time.advance(Duration.ofSeconds(1));
        Decision third = limiter.tryAcquire("a");
        assertThat(third.allowed()).isTrue();
        assertThat(third.limits()).extracting(LimitStatus::remaining).containsExactly(1L, 0L);
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
        assertThat(limiter.tryAcquire("b").allowed()).isTrue();
        assertThat(limiter.counters().allowed()).isEqualTo(4);
        assertThat(limiter.counters().denied()).isEqualTo(2);
    }

    /**
     * The eviction rule of the production operations issue: a caller at its limit is never pushed out
     * by a flood of new keys. With Caffeine's size eviction alone this fails (the limited key is one
     * of 1,001 candidates and TinyLFU/LRU may drop it); here the flood is charged to the overflow bucket.
     */
    @Test
    void aLimitedCallerStaysLimitedWhileTenTimesTheCapacityOfNewKeysArrive() {
        int capacity = 100;
        LocalBucketLimiter limiter = (LocalBucketLimiter) RateLimiter.localBuilder(RateLimitPolicy.parse("1/1h"))
                .maxKeys(capacity).timeSource(time).build();
        assertThat(limiter.tryAcquire("attacker").allowed()).isTrue();
        assertThat(limiter.tryAcquire("attacker").allowed()).isFalse();
        for (int i = 0; i < 10 * capacity; i++) {
            limiter.tryAcquire("flood-" + i);
            if (i % 97 == 0) {
                assertThat(limiter.tryAcquire("attacker").allowed()).as("after %d new keys", i).isFalse();
            }
            time.advance(Duration.ofMillis(1));
        }
        assertThat(limiter.tryAcquire("attacker").allowed()).isFalse();
        assertThat(limiter.size()).isLessThanOrEqualTo(capacity);
        // 99 flood keys got a bucket of their own, the other 901 shared one overflow bucket of 1 token
        assertThat(limiter.counters().overflowDecisions()).isEqualTo(901);
        assertThat(limiter.counters().allowed()).isEqualTo(1 + 99 + 1);
    }

    @Test
    void refilledBucketsGoFirstAndFreeRoomForNewKeys() {
        LocalBucketLimiter limiter = (LocalBucketLimiter) RateLimiter.localBuilder(RateLimitPolicy.parse("10/1s"))
                .maxKeys(10).timeSource(time).build();
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("old-" + i);
        }
        assertThat(limiter.size()).isEqualTo(10);
        // 1 token of 10 spent: full again after 100 ms
        time.advance(Duration.ofMillis(99));
        assertThat(limiter.size()).isEqualTo(10);
        // refilled after 100 ms; Caffeine's timer wheel removes expired entries at a ~1.07 s resolution
        // (2^30 ns), so the room is free at most that long after the bucket refilled
        time.advance(Duration.ofMillis(1_200));
        Decision fresh = limiter.tryAcquire("new");
        assertThat(fresh.limits().get(0).remaining()).isEqualTo(9);
        assertThat(limiter.counters().overflowDecisions()).isZero();
        assertThat(limiter.size()).isEqualTo(1);
        // a dropped (refilled) key decides exactly like a full bucket
        assertThat(limiter.tryAcquire("old-1").limits().get(0).remaining()).isEqualTo(9);
    }

    @Test
    void aPartlyDrainedBucketIsKeptUntilFull() {
        LocalBucketLimiter limiter = (LocalBucketLimiter) RateLimiter.localBuilder(RateLimitPolicy.parse("2/1m"))
                .timeSource(time).build();
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        time.advance(Duration.ofSeconds(59));
        Decision d = limiter.tryAcquire("a");
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).isZero();
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void neverAllowsACostAboveCapacity() {
        RateLimiter limiter = RateLimiter.localBuilder(RateLimitPolicy.parse("3/1m")).timeSource(time).build();
        assertThat(limiter.tryAcquire("a", 4).retryAfter()).isEqualTo(Decision.NEVER);
    }

    @Test
    void pinsDefaultsAndSetOnceMessages() {
        assertThat(LocalLimiterBuilder.DEFAULT_MAX_KEYS).isEqualTo(100_000);
        assertThatThrownBy(() -> RateLimiter.localBuilder(RateLimitPolicy.parse("1/1s")).maxKeys(5).maxKeys(6))
                .isInstanceOf(IllegalStateException.class).hasMessage("maxKeys: already set");
        assertThatThrownBy(() -> RateLimiter.localBuilder(RateLimitPolicy.parse("1/1s")).maxKeys(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxKeys: 0 (expected: 1 to 10000000)");
        assertThatThrownBy(() -> RateLimiter.localBuilder(RateLimitPolicy.parse("1/1s")).timeSource(null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeSource: null");
    }
}
