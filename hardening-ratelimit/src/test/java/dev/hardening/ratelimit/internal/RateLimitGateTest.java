package dev.hardening.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {

    private static final RateLimitPolicy POLICY = RateLimitPolicy.parse("1/1m");

    @Test
    void aLimiterThatCannotDecideGives503WithAProblemBody() {
        RateLimiter failing = new RateLimiter() {
            private final RateLimitCounters counters = new RateLimitCounters();

            @Override
            public Decision tryAcquire(String key, long cost) {
                throw new RateLimitUnavailableException("down", null);
            }

            @Override
            public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
                return CompletableFuture.failedFuture(new RateLimitUnavailableException("down", null));
            }

            @Override
            public RateLimitPolicy policy() {
                return POLICY;
            }

            @Override
            public RateLimitCounters counters() {
                return counters;
            }
        };
        RejectionResponse r = new RateLimitGate(failing, EnforcementMode.ENFORCE).check("k").rejection().orElseThrow();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("temporary-reduced-capacity", "\"status\":503");
    }

    @Test
    void enforceAddsFieldsAndRejectsWithTheSameFieldsPlusRetryAfter() {
        RateLimitGate gate = new RateLimitGate(RateLimiter.local(POLICY), EnforcementMode.ENFORCE);
        RateLimitGate.Outcome first = gate.check("k");
        assertThat(first.rejection()).isEmpty();
        assertThat(first.headers()).containsOnlyKeys("RateLimit-Policy", "RateLimit");
        RejectionResponse denied = gate.check("k").rejection().orElseThrow();
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.headers()).containsKeys("RateLimit-Policy", "RateLimit", "Retry-After", "Cache-Control",
                "Content-Type");
    }

    @Test
    void shadowNeverRejectsAndAddsNoFields() {
        RateLimiter limiter = RateLimiter.local(POLICY);
        RateLimitGate gate = new RateLimitGate(limiter, EnforcementMode.SHADOW);
        gate.check("k");
        RateLimitGate.Outcome second = gate.check("k");
        assertThat(second.rejection()).isEmpty();
        assertThat(second.headers()).isEmpty();
        assertThat(limiter.counters().shadowDenied()).isEqualTo(1);
    }
}
