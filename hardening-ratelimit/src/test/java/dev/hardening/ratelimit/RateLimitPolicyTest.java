package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {

    @Test
    void parsesSeveralLimitsWithBurst() {
        RateLimitPolicy p = RateLimitPolicy.parse(" 100/1m, 1000/1h ,10/s;burst=20, 5/250ms ");
        assertThat(p.limits()).containsExactly(
                Limit.of(100, Duration.ofMinutes(1)),
                Limit.of(1000, Duration.ofHours(1)),
                Limit.of(10, Duration.ofSeconds(1), 20),
                Limit.of(5, Duration.ofMillis(250)));
        assertThat(p.toString()).isEqualTo("100/1m,1000/1h,10/1s;burst=20,5/250ms");
        assertThat(RateLimitPolicy.parse(p.toString())).isEqualTo(p);
        assertThat(p.maxRefillTime()).isEqualTo(Duration.ofHours(2).minus(Duration.ofHours(1)));
    }

    @Test
    void rejectsZeroQuotaWithAStableCode() {
        assertThatThrownBy(() -> RateLimitPolicy.parse("0/1m"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason().code()).isEqualTo("rate-limit.zero-quota"))
                .hasMessage("RATE_LIMIT: '0/1m' allows 0 requests (expected: >= 1 per period)");
    }

    @Test
    void rejectsZeroPeriod() {
        assertThatThrownBy(() -> RateLimitPolicy.parse("10/0s"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.ZERO_PERIOD))
                .hasMessageContaining("'10/0s' has a zero period");
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> RateLimitPolicy.parse("abc"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.MALFORMED))
                .hasMessage("RATE_LIMIT: 'abc' (expected: N/duration such as 100/1m or 10/1s;burst=20)");
        assertThatThrownBy(() -> RateLimitPolicy.parse("100/1m,"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.MALFORMED));
    }

    @Test
    void rejectsUnknownUnitEmptyDuplicatesAndHugeNumbers() {
        assertThat(reason("10/1w")).isEqualTo(RateLimitSpecException.Reason.UNKNOWN_UNIT);
        assertThat(reason(" ")).isEqualTo(RateLimitSpecException.Reason.EMPTY);
        assertThat(reason("10/1m,20/60s")).isEqualTo(RateLimitSpecException.Reason.TOO_MANY_LIMITS);
        assertThat(reason("99999999999999999999/1s")).isEqualTo(RateLimitSpecException.Reason.OUT_OF_RANGE);
        assertThat(reason("100000000/1d")).isEqualTo(RateLimitSpecException.Reason.OUT_OF_RANGE);
        assertThat(reason("1/1s,2/2s,3/3s,4/4s,5/5s,6/6s,7/7s,8/8s,9/9s"))
                .isEqualTo(RateLimitSpecException.Reason.TOO_MANY_LIMITS);
        assertThat(reason("10/1s;burst=0")).isEqualTo(RateLimitSpecException.Reason.ZERO_QUOTA);
    }

    private static RateLimitSpecException.Reason reason(String spec) {
        try {
            RateLimitPolicy.parse(spec);
        } catch (RateLimitSpecException e) {
            return e.reason();
        }
        throw new AssertionError("accepted: " + spec);
    }

    @Test
    void scalesEveryLimitButNeverBelowOne() {
        RateLimitPolicy p = RateLimitPolicy.parse("100/1m,3/1s").scaled(0.25);
        assertThat(p.toString()).isEqualTo("25/1m,1/1s");
        assertThat(p.fingerprint()).isNotEqualTo(RateLimitPolicy.parse("100/1m,3/1s").fingerprint());
    }
}
