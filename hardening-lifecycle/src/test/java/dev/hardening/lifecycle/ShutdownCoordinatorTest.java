package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownCoordinatorTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger halted = new AtomicInteger(-1);

    private final class Recording implements DrainParticipant {
        private final String name;
        private final boolean drains;

        Recording(String name, boolean drains) {
            this.name = name;
            this.drains = drains;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void drainSignal() {
            events.add(name + ":signal");
        }

        @Override
        public void stopAccepting() {
            events.add(name + ":stop");
        }

        @Override
        public boolean drain(Deadline deadline) {
            events.add(name + ":drain");
            return drains;
        }

        @Override
        public long inFlight() {
            return drains ? 0 : 2;
        }

        @Override
        public void forceStop() {
            events.add(name + ":force");
        }
    }

    private ShutdownCoordinator.Builder builder() {
        return ShutdownCoordinator.builder().halter(halted::set);
    }

    @Test
    void runsThePhasesInOrderAndReportsWhatWasCut() {
        Health health = Health.create();
        health.markStarted();
        ShutdownCoordinator c = builder().health(health).logFlush(() -> events.add("flush")).build();
        c.register(new Recording("a", true)).register(new Recording("b", false));
        c.onRelease("lease", () -> events.add("release"));
        AtomicInteger signalled = new AtomicInteger();
        c.drainSignal().onDrain(signalled::incrementAndGet);
        assertThat(health.isReady()).isTrue();

        ShutdownReport r = c.shutdown();

        assertThat(health.isReady()).isFalse();
        assertThat(signalled.get()).isEqualTo(1);
        assertThat(events).containsSubsequence("a:signal", "a:stop", "a:drain", "b:force", "release", "flush");
        assertThat(events).doesNotContain("a:force");
        assertThat(r.exitCode()).isEqualTo(ShutdownReport.EXIT_CUT);
        assertThat(r.cut()).containsExactly("b");
        assertThat(r.outcomes()).extracting(ShutdownReport.Outcome::result).containsExactly(
                ShutdownReport.Result.FINISHED, ShutdownReport.Result.CUT, ShutdownReport.Result.FINISHED);
        assertThat(r.phases()).extracting(ShutdownReport.PhaseTiming::phase).containsExactly(Phase.values());
        assertThat(halted.get()).as("shutdown() itself does not halt").isEqualTo(-1);
        assertThat(c.shutdown()).as("idempotent").isSameAs(r);
    }

    @Test
    void idleShutdownIsFast() {
        ShutdownCoordinator c = builder().build();
        c.register(new Recording("a", true));
        ShutdownReport r = c.shutdown();
        assertThat(r.exitCode()).isZero();
        assertThat(r.total()).isLessThan(Duration.ofMillis(150));
    }

    @Test
    void quietPeriodEndsTheKeepServingPhaseEarly() {
        ShutdownCoordinator c = builder().shutdownDelay(Duration.ofSeconds(10)).quietPeriod(Duration.ofMillis(100)).build();
        c.register(new Recording("a", true));
        ShutdownReport r = c.shutdown();
        assertThat(r.phases().get(Phase.KEEP_SERVING.ordinal()).took()).isBetween(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    @Test
    void aHungDrainIsCutAtItsSubDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        ShutdownCoordinator c = builder().drainTimeout(Duration.ofSeconds(10)).build();
        c.register(new DrainParticipant() {
            @Override
            public String name() {
                return "hung";
            }

            @Override
            public boolean drain(Deadline deadline) throws InterruptedException {
                never.await();
                return true;
            }

            @Override
            public long inFlight() {
                return 1;
            }

            @Override
            public void forceStop() {
                never.countDown();
            }
        }, Duration.ofMillis(200));
        ShutdownReport r = c.shutdown();
        assertThat(r.total()).isLessThan(Duration.ofSeconds(5));
        assertThat(r.outcomes().get(0).result()).isEqualTo(ShutdownReport.Result.CUT);
    }

    @Test
    void budgetThatCannotFitThePhasesIsAStartupFail() {
        ShutdownCoordinator c = builder().shutdownDelay(Duration.ofSeconds(5)).drainTimeout(Duration.ofSeconds(20))
                .totalBudget(Duration.ofSeconds(20)).terminationGracePeriod(Duration.ofSeconds(15)).build();
        List<Finding> f = c.startupCheck().findings(AppEnvironment.PRODUCTION);
        assertThat(f).filteredOn(x -> x.id().equals("HL-D001")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo(FindingStatus.FAIL));
        assertThat(f).filteredOn(x -> x.id().equals("HL-D003")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo(FindingStatus.FAIL));
    }

    @Test
    void defaultBudgetIsDelayPlusDrainPlusTwoSecondsAndFits() {
        ShutdownCoordinator c = builder().shutdownDelay(Duration.ofSeconds(5)).drainTimeout(Duration.ofSeconds(20)).build();
        assertThat(c.totalBudget()).isEqualTo(Duration.ofSeconds(27));
        c.register(new Recording("a", true));
        List<Finding> f = c.startupCheck().findings(AppEnvironment.PRODUCTION);
        assertThat(f).allMatch(x -> x.status() == FindingStatus.PASS);
    }

    @Test
    void noDelayInProductionWarns() {
        List<Finding> f = builder().build().startupCheck().findings(AppEnvironment.PRODUCTION);
        assertThat(f).filteredOn(x -> x.id().equals("HL-D002")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo(FindingStatus.WARN));
        assertThat(builder().build().startupCheck().findings(AppEnvironment.DEV))
                .filteredOn(x -> x.id().equals("HL-D002")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo(FindingStatus.PASS));
    }

    @Test
    void builderValidatesAtOnceAndCombinationsInBuild() {
        assertThatThrownBy(() -> ShutdownCoordinator.builder().drainTimeout(Duration.ofSeconds(-1)))
                .hasMessage("drainTimeout: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().shutdownDelay(Duration.ofSeconds(1)).quietPeriod(Duration.ofSeconds(2)).build())
                .hasMessageStartingWith("quietPeriod: PT2S (expected: <= shutdownDelay PT1S");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().drainTimeout(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(1)))
                .hasMessage("drainTimeout was already set");
    }

    @Test
    void registrationAfterShutdownIsRejected() {
        ShutdownCoordinator c = builder().build();
        c.shutdown();
        assertThatThrownBy(() -> c.register(new Recording("late", true))).isInstanceOf(IllegalStateException.class);
        AtomicInteger ran = new AtomicInteger();
        c.drainSignal().onDrain(ran::incrementAndGet);
        assertThat(ran.get()).as("a stream opened after shutdown is signalled at once").isEqualTo(1);
    }
}
