package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    private final FakeTime time = FakeTime.create();
    private final DelayScheduler scheduler = (delay, task) -> time.schedule(delay, task)::cancel;

    /** A random source replaying fixed values of nextDouble(). */
    private static final class Replay implements RandomGenerator {
        private final ArrayDeque<Double> values = new ArrayDeque<>();

        Replay(double... vs) {
            for (double v : vs) {
                values.add(v);
            }
        }

        @Override
        public double nextDouble() {
            double v = values.removeFirst();
            values.addLast(v);
            return v;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }

    private Supervisor supervisor(RestartPolicy policy, RandomGenerator random, Health health) {
        return Supervisor.builder(scheduler, Runnable::run).policy(policy).random(random).timeSource(time).health(health).build();
    }

    private static Supervisor.Worker crashing(AtomicInteger runs) {
        return () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        };
    }

    @Test
    void backoffDoublesWithFullJitterAndTheCapAppliedBeforeJitter() {
        RestartPolicy policy = RestartPolicy.builder().initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(1000))
                .intensity(100, Duration.ofHours(1)).build();
        Supervisor s = supervisor(policy, new Replay(0.5, 0.25, 0.999), Health.create());
        AtomicInteger runs = new AtomicInteger();
        s.supervise("w", crashing(runs));
        time.advance(Duration.ofMillis(3449));
        // ceilings 100, 200, 400, 800, 1000 (cap), 1000, 1000, 1000; jitter 0.5, 0.25, 0.999 cycling
        assertThat(time.delays().subList(0, 8)).containsExactly(
                Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofNanos(399_600_000L),
                Duration.ofMillis(400), Duration.ofMillis(250), Duration.ofMillis(999),
                Duration.ofMillis(500), Duration.ofMillis(250));
        // 50+50+399.6+400+250+999+500+250 = 2898.6 ms: nine runs by 2.9 s, then the next waits 999 ms
        assertThat(runs.get()).isEqualTo(9);
    }

    @Test
    void jitterStaysSpreadAtTheCap() {
        RestartPolicy policy = RestartPolicy.builder().initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(2)).build();
        RandomGenerator seeded = RandomGenerator.of("L64X128MixRandom");
        long below = 0;
        long n = 2000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Duration d = policy.backoff(30, seeded);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(2));
            sum += d.toNanos();
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                below++;
            }
        }
        assertThat(below).isBetween(n / 2 - 150, n / 2 + 150);
        assertThat(sum / n / 1e9).isBetween(0.9, 1.1);
    }

    @Test
    void exceedingRestartIntensityEscalatesAndFailsLiveness() {
        Health health = Health.create();
        RestartPolicy policy = RestartPolicy.builder().initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(10))
                .intensity(3, Duration.ofSeconds(10)).build();
        Supervisor s = supervisor(policy, new Replay(1.0 - 1e-9), health);
        AtomicInteger runs = new AtomicInteger();
        Supervisor.Child c = s.supervise("w", crashing(runs));
        time.advance(Duration.ofSeconds(1));
        assertThat(runs.get()).isEqualTo(4);
        assertThat(c.restarts()).isEqualTo(3);
        assertThat(c.state()).isEqualTo(Supervisor.State.ESCALATED);
        assertThat(health.isAlive()).isFalse();
        assertThat(time.pending()).isZero();
    }

    @Test
    void restartsSpreadOverMoreThanThePeriodDoNotEscalate() {
        Health health = Health.create();
        RestartPolicy policy = RestartPolicy.builder().initialBackoff(Duration.ofSeconds(4)).maxBackoff(Duration.ofSeconds(4))
                .intensity(2, Duration.ofSeconds(5)).build();
        Supervisor s = supervisor(policy, new Replay(0.999), health);
        AtomicInteger runs = new AtomicInteger();
        Supervisor.Child c = s.supervise("w", crashing(runs));
        time.advance(Duration.ofSeconds(30));
        assertThat(runs.get()).isGreaterThan(5);
        assertThat(c.state()).isEqualTo(Supervisor.State.BACKING_OFF);
        assertThat(health.isAlive()).isTrue();
    }

    @Test
    void backoffResetsAfterAStableRun() {
        RestartPolicy policy = RestartPolicy.builder().initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
                .resetAfter(Duration.ofSeconds(60)).intensity(100, Duration.ofSeconds(1)).build();
        AtomicInteger runs = new AtomicInteger();
        FakeTime t = time;
        Supervisor s = supervisor(policy, new Replay(0.5), Health.create());
        // Crash at once three times, then (4th run) run 61 s before crashing.
        s.supervise("w", () -> {
            int n = runs.incrementAndGet();
            if (n == 4) {
                t.advance(Duration.ofSeconds(61));
            }
            throw new IllegalStateException("boom " + n);
        });
        t.advance(Duration.ofMillis(50));
        t.advance(Duration.ofMillis(100));
        t.advance(Duration.ofMillis(200));
        List<Duration> d = t.delays();
        assertThat(d.subList(0, 4)).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(50));
    }

    @Test
    void cleanExitIsNotRestartedOnCrashOnlyPolicy() {
        Supervisor s = supervisor(RestartPolicy.defaults(), new Replay(0.5), Health.create());
        Supervisor.Child c = s.supervise("w", () -> { });
        assertThat(c.state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(time.pending()).isZero();
    }

    @Test
    void noRestartsOnceDraining() throws Exception {
        Supervisor s = supervisor(RestartPolicy.defaults(), new Replay(0.5), Health.create());
        AtomicInteger runs = new AtomicInteger();
        Supervisor.Child c = s.supervise("w", crashing(runs));
        assertThat(c.state()).isEqualTo(Supervisor.State.BACKING_OFF);
        s.drainSignal();
        time.advance(Duration.ofMinutes(5));
        assertThat(runs.get()).isEqualTo(1);
        assertThat(c.state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(s.drain(Deadline.after(Duration.ofSeconds(1)))).isTrue();
        assertThatThrownBy(() -> s.supervise("late", () -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("draining");
    }

    @Test
    void policyRejectsBadValuesWithTheFieldAndExpectation() {
        assertThatThrownBy(() -> RestartPolicy.builder().multiplier(0.5)).hasMessage("multiplier: 0.5 (expected: >= 1 and finite)");
        assertThatThrownBy(() -> RestartPolicy.builder().initialBackoff(Duration.ofSeconds(5)).maxBackoff(Duration.ofSeconds(1)).build())
                .hasMessage("initialBackoff: PT5S (expected: <= maxBackoff PT1S)");
        assertThatThrownBy(() -> RestartPolicy.builder().initialBackoff(Duration.ZERO)).hasMessage("initialBackoff: PT0S (expected: > PT0S)");
        assertThatThrownBy(() -> RestartPolicy.builder().resetAfter(Duration.ofSeconds(1)).resetAfter(Duration.ofSeconds(2)))
                .hasMessage("resetAfter: already set");
    }

    @Test
    void defaultsArePinned() {
        RestartPolicy p = RestartPolicy.defaults();
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.maxRestarts()).isEqualTo(5);
        assertThat(p.period()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.resetAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.restart()).isEqualTo(RestartPolicy.Restart.ON_CRASH);
    }
}
