package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RateLimitListenerTest {

    private final FakeTime time = FakeTime.create();

    /** Records what it hears, as strings. */
    private static final class RecordingListener implements RateLimitListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onDecision(Decision decision) {
            events.add((decision.allowed() ? "allowed " : "denied ") + decision.source());
        }

        @Override
        public void onPrimaryCall(Duration took, boolean succeeded) {
            events.add("call " + (succeeded ? "ok" : "failed"));
        }

        @Override
        public void onBreakerTransition(String from, String to) {
            events.add(from + "->" + to);
        }
    }

    @Test
    void hearsEveryLocalDecisionOnce() {
        RateLimiter limiter = RateLimiter.localBuilder(RateLimitPolicy.parse("1/1m")).timeSource(time).build();
        RecordingListener listener = new RecordingListener();
        limiter.counters().addListener(listener);
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        assertThat(listener.events).containsExactly("allowed LOCAL", "denied LOCAL");
    }

    @Test
    void hearsFailedBackendCallsTheBreakerOpeningAndFallbackDecisions() {
        RateLimiter primary = new DownBackend.FailingLimiter(RateLimitPolicy.parse("5/1m"));
        RateLimiter resilient = RateLimiter.resilientBuilder(primary).timeSource(time).build();
        RecordingListener listener = new RecordingListener();
        resilient.counters().addListener(listener);
        for (int i = 0; i < ResilientLimiterBuilder.DEFAULT_MINIMUM_CALLS; i++) {
            resilient.tryAcquire("a");
        }
        assertThat(listener.events).startsWith("call failed", "allowed FALLBACK_LOCAL");
        assertThat(listener.events).contains("CLOSED->OPEN");
        assertThat(listener.events.stream().filter(e -> e.equals("call failed")).count())
                .isEqualTo(ResilientLimiterBuilder.DEFAULT_MINIMUM_CALLS);
        assertThat(resilient.counters().breakerTransitions()).isEqualTo(1);
    }

    @Test
    void aThrowingListenerDoesNotBreakTheDecisionOrTheOtherListeners() {
        RateLimiter limiter = RateLimiter.localBuilder(RateLimitPolicy.parse("1/1m")).timeSource(time).build();
        limiter.counters().addListener(new RateLimitListener() {
            @Override
            public void onDecision(Decision decision) {
                throw new IllegalStateException("listener bug");
            }
        });
        RecordingListener after = new RecordingListener();
        limiter.counters().addListener(after);
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(after.events).containsExactly("allowed LOCAL");
        assertThat(limiter.counters().allowed()).isEqualTo(1);
    }

    @Test
    void listenersAreBounded() {
        RateLimitCounters counters = new RateLimitCounters();
        for (int i = 0; i < RateLimitCounters.MAX_LISTENERS; i++) {
            counters.addListener(new RecordingListener());
        }
        assertThatThrownBy(() -> counters.addListener(new RecordingListener()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("listeners: 16 registered (expected: at most 16)");
    }
}
