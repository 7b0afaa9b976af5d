package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void rendersDraftFieldsRetryAfterAndProblem() {
        RateLimitPolicy policy = RateLimitPolicy.parse("100/1m,1000/1h;burst=1200");
        assertThat(RateLimitHeaders.policy(policy))
                .isEqualTo("\"100/1m\";q=100;w=60, \"1000/1h;burst=1200\";q=1200;w=3600");
        Decision d = Decision.of(false, Duration.ofMillis(1500), List.of(
                new LimitStatus(policy.limits().get(0), 0, Duration.ofMillis(59_001)),
                new LimitStatus(policy.limits().get(1), 900, Duration.ofSeconds(900))), DecisionSource.REDIS);
        assertThat(RateLimitHeaders.rateLimit(d)).isEqualTo("\"100/1m\";r=0;t=60, \"1000/1h;burst=1200\";r=900;t=900");
        assertThat(RateLimitHeaders.retryAfterSeconds(d)).isEqualTo(2);
        assertThat(RateLimitHeaders.problemJson(d, 1)).isEqualTo(
                "{\"type\":\"https://iana.org/assignments/http-problem-types#quota-exceeded\",\"title\":\"Too Many Requests\","
                        + "\"status\":429,\"detail\":\"Rate limit exceeded; retry after 2 seconds.\","
                        + "\"violated-policies\":[\"100/1m\"]}");
        Decision never = Decision.of(false, Decision.NEVER, List.of(), DecisionSource.REDIS);
        assertThat(RateLimitHeaders.retryAfterSeconds(never)).isEqualTo(86_400);
    }
}
