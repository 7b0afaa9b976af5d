package dev.hardening.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.testkit.FakeTime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RateLimitMetricsTest {

    private final FakeTime time = FakeTime.create();
    private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());

    private double decisions(String outcome, String source) {
        return registry.get(RateLimitMetrics.DECISIONS).tags("limiter", "api", "outcome", outcome, "source", source)
                .counter().count();
    }

    @Test
    void countsLocalDecisionsByOutcomeAndSource() {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("2/1m")).timeSource(time).build();
        RateLimitMetrics.bind(rl, "api", registry);
        for (int i = 0; i < 5; i++) {
            rl.limiter().tryAcquire("caller");
        }
        assertThat(decisions("allowed", "local")).isEqualTo(2.0);
        assertThat(decisions("denied", "local")).isEqualTo(3.0);
        assertThat(registry.get(RateLimitMetrics.BREAKER_STATE).tags("limiter", "api", "state", "none").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void shadowModeCountsDenialsAsShadowDenied() {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("1/1m")).mode(EnforcementMode.SHADOW)
                .timeSource(time).build();
        RateLimitMetrics.bind(rl, "api", registry);
        rl.limiter().tryAcquire("caller");
        rl.limiter().tryAcquire("caller");
        assertThat(decisions("allowed", "local")).isEqualTo(1.0);
        assertThat(decisions("shadow_denied", "local")).isEqualTo(1.0);
        assertThat(registry.find(RateLimitMetrics.DECISIONS).tag("outcome", "denied").counters()).isEmpty();
    }

    @Test
    void aFailingBackendOpensTheBreakerAndTheFallbackDecides() {
        RateLimiter primary = new DownBackend(RateLimitPolicy.parse("10/1m"));
        RateLimiter resilient = RateLimiter.resilientBuilder(primary).fallback(FallbackMode.LOCAL).timeSource(time).build();
        RateLimitMetrics.bind(resilient, "api", registry);
        int calls = 0;
        while (registry.get(RateLimitMetrics.FALLBACK_ACTIVATIONS).counter().count() == 0 && calls < 100) {
            resilient.tryAcquire("caller");
            calls++;
        }
        assertThat(registry.get(RateLimitMetrics.FALLBACK_ACTIVATIONS).tag("limiter", "api").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(RateLimitMetrics.BREAKER_TRANSITIONS).tags("limiter", "api", "to", "open").counter()
                .count()).isEqualTo(1.0);
        assertThat(registry.get(RateLimitMetrics.BREAKER_STATE).tags("limiter", "api", "state", "open").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get(RateLimitMetrics.BACKEND_CALLS).tags("limiter", "api", "outcome", "failure").timer()
                .count()).isEqualTo(calls);
        assertThat(decisions("allowed", "fallback_local")).isEqualTo(calls);
        resilient.tryAcquire("caller");
        assertThat(decisions("allowed", "fallback_local")).as("the open breaker sends calls to the fallback")
                .isEqualTo(calls + 1);
        assertThat(registry.get(RateLimitMetrics.BACKEND_CALLS).tags("limiter", "api", "outcome", "failure").timer()
                .count()).as("no backend call while open").isEqualTo(calls);
    }

    @Test
    void aThrowingListenerNeverChangesTheDecision() {
        RateLimiter limiter = RateLimiter.localBuilder(RateLimitPolicy.parse("1/1m")).timeSource(time).build();
        limiter.counters().addListener(new dev.hardening.ratelimit.RateLimitListener() {
            @Override
            public void onDecision(Decision decision) {
                throw new IllegalStateException("listener bug");
            }
        });
        RateLimitMetrics.bind(limiter, "api", registry);
        assertThat(limiter.tryAcquire("caller").allowed()).isTrue();
        assertThat(limiter.tryAcquire("caller").allowed()).isFalse();
        assertThat(decisions("allowed", "local")).as("later listeners still run").isEqualTo(1.0);
        assertThat(decisions("denied", "local")).isEqualTo(1.0);
    }

    @Test
    void countsDedupChecksWithoutTheIds() {
        DedupStore store = RateLimitMetrics.instrument(DedupStore.local(Duration.ofMinutes(1), 100, time), "github",
                registry);
        assertThat(store.markIfFirst("delivery-1")).isTrue();
        assertThat(store.markIfFirst("delivery-1")).isFalse();
        assertThat(store.markIfFirst("delivery-2")).isTrue();
        assertThat(registry.get(RateLimitMetrics.DEDUP).tags("store", "github", "outcome", "first").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get(RateLimitMetrics.DEDUP).tags("store", "github", "outcome", "duplicate").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void breakerStatesOutsideTheKnownSetBecomeOther() {
        assertThat(RateLimitMetrics.breakerState("OPEN")).isEqualTo("OPEN");
        assertThat(RateLimitMetrics.breakerState("10.0.0.7")).isEqualTo("OTHER");
    }

    /** A shared backend that is down: every call fails at once, as Lettuce does when disconnected. */
    private static final class DownBackend implements RateLimiter {
        private final RateLimitPolicy policy;
        private final RateLimitCounters counters = new RateLimitCounters();

        DownBackend(RateLimitPolicy policy) {
            this.policy = policy;
        }

        @Override
        public Decision tryAcquire(String key, long cost) {
            throw new RateLimitUnavailableException("down", null);
        }

        @Override
        public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
            counters.recordError();
            return CompletableFuture.failedFuture(new RateLimitUnavailableException("down", null));
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
}
