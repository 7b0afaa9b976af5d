package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.StartupCheck;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's sequence on a {@link FakeTime}: every duration asserted here is fake time,
 * moved by the test; nothing reads the wall clock. Sequences that must wait run on a helper
 * thread while the test moves time once the sequence has reached the wait (latches and polling
 * with a deadline, never sleeps).
 */
class ShutdownCoordinatorTest {

    private static final long WAIT_SECONDS = 10;

    private final FakeTime time = FakeTime.create();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger halted = new AtomicInteger(-1);

    private class Recording implements DrainParticipant {
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

    /** A participant whose drain blocks until force-stopped (or never, if {@code forceStopReturns} is false). */
    private static final class Hanging implements DrainParticipant {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean forceStopReturns;

        Hanging(boolean forceStopReturns) {
            this.forceStopReturns = forceStopReturns;
        }

        @Override
        public String name() {
            return "hung";
        }

        @Override
        public boolean drain(Deadline deadline) throws InterruptedException {
            entered.countDown();
            release.await();
            return true;
        }

        @Override
        public long inFlight() {
            return 1;
        }

        @Override
        public void forceStop() {
            if (forceStopReturns) {
                release.countDown();
                return;
            }
            awaitQuietly(new CountDownLatch(1));
        }
    }

    private ShutdownCoordinator.Builder builder() {
        return ShutdownCoordinator.builder().halter(halted::set).timeSource(time);
    }

    private static CompletableFuture<ShutdownReport> inBackground(ShutdownCoordinator c) {
        return CompletableFuture.supplyAsync(c::shutdown, r -> new Thread(r, "test-shutdown").start());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("reached within %d s", WAIT_SECONDS).isTrue();
    }

    private static void awaitCondition(BooleanSupplier condition) {
        long end = TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long waited = 0;
        while (!condition.getAsBoolean()) {
            assertThat(waited).as("condition within %d s", WAIT_SECONDS).isLessThan(end);
            LockSupport.parkNanos(1_000_000L);
            waited += 1_000_000L;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting, like a participant that ignores interrupts
            }
        }
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
    void idleShutdownWaitsForNothing() {
        ShutdownCoordinator c = builder().build();
        c.register(new Recording("a", true));
        ShutdownReport r = c.shutdown();
        assertThat(r.exitCode()).isZero();
        assertThat(r.total()).as("no phase waited on the time source").isZero();
    }

    @Test
    void quietPeriodEndsTheKeepServingPhaseEarly() throws Exception {
        ShutdownCoordinator c = builder().shutdownDelay(Duration.ofSeconds(10)).quietPeriod(Duration.ofMillis(100)).build();
        AtomicLong polls = new AtomicLong();
        c.register(new Recording("a", true) {
            @Override
            public long activityCount() {
                polls.incrementAndGet();
                return 7;
            }
        });
        CompletableFuture<ShutdownReport> running = inBackground(c);
        awaitCondition(() -> polls.get() >= 2); // the quiet period's start has been read
        time.advance(Duration.ofMillis(100));
        ShutdownReport r = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r.phases().get(Phase.KEEP_SERVING.ordinal()).took()).isEqualTo(Duration.ofMillis(100));
        assertThat(r.total()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aHungDrainIsCutAtItsSubDeadline() throws Exception {
        ShutdownCoordinator c = builder().drainTimeout(Duration.ofSeconds(10)).build();
        Hanging hung = new Hanging(true);
        c.register(hung, Duration.ofMillis(200));
        CompletableFuture<ShutdownReport> running = inBackground(c);
        await(hung.entered);
        time.advance(Duration.ofMillis(199));
        assertThat(running).as("not cut before its sub-deadline").isNotDone();
        time.advance(Duration.ofMillis(1));
        ShutdownReport r = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r.outcomes().get(0).result()).isEqualTo(ShutdownReport.Result.CUT);
        assertThat(r.phases().get(Phase.DRAIN.ordinal()).took()).isEqualTo(Duration.ofMillis(200));
        assertThat(r.total()).isEqualTo(Duration.ofMillis(200));
        assertThat(r.exitCode()).isEqualTo(ShutdownReport.EXIT_CUT);
    }

    @Test
    void watchdogHaltsWhenTheTotalBudgetIsExceeded() throws Exception {
        CountDownLatch haltedLatch = new CountDownLatch(1);
        ShutdownCoordinator c = ShutdownCoordinator.builder().timeSource(time).totalBudget(Duration.ofSeconds(2))
                .halter(status -> {
                    halted.set(status);
                    haltedLatch.countDown();
                })
                .logFlush(() -> awaitQuietly(haltedLatch)) // a log flush that hangs until the JVM is halted
                .build();
        Hanging hung = new Hanging(false);
        c.register(hung);
        CompletableFuture<ShutdownReport> running = inBackground(c);
        await(hung.entered);
        time.advance(Duration.ofMillis(1999));
        assertThat(haltedLatch.getCount()).as("no halt within the budget").isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        await(haltedLatch);
        assertThat(halted.get()).isEqualTo(ShutdownReport.EXIT_WATCHDOG);
        ShutdownReport r = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r.outcomes().get(0).result()).isEqualTo(ShutdownReport.Result.HUNG);
    }

    @Test
    void theListenerIsToldTheWatchdogFiredBeforeTheHalt() throws Exception {
        CountDownLatch haltedLatch = new CountDownLatch(1);
        List<String> told = new CopyOnWriteArrayList<>();
        ShutdownCoordinator c = ShutdownCoordinator.builder().timeSource(time).totalBudget(Duration.ofSeconds(2))
                .halter(status -> {
                    told.add("halt " + status);
                    haltedLatch.countDown();
                })
                .listener(new ShutdownListener() {
                    @Override
                    public void watchdogFired(Duration totalBudget, int status) {
                        told.add("watchdog " + totalBudget.toMillis() + " " + status);
                    }

                    @Override
                    public void finished(ShutdownReport report) {
                        told.add("finished " + report.outcomes().get(0).result());
                    }
                })
                .logFlush(() -> awaitQuietly(haltedLatch))
                .build();
        Hanging hung = new Hanging(false);
        c.register(hung);
        CompletableFuture<ShutdownReport> running = inBackground(c);
        await(hung.entered);
        time.advance(Duration.ofSeconds(2));
        await(haltedLatch);
        running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        awaitCondition(() -> told.size() == 3);
        // before the halt unless the helper thread misses the watchdog's real-time log grace: not asserted
        assertThat(told).containsExactlyInAnyOrder("watchdog 2000 " + ShutdownReport.EXIT_WATCHDOG,
                "halt " + ShutdownReport.EXIT_WATCHDOG, "finished HUNG");
    }

    @Test
    void aListenerThatThrowsChangesNeitherTheReportNorTheHalt() throws Exception {
        CountDownLatch haltedLatch = new CountDownLatch(1);
        ShutdownListener broken = new ShutdownListener() {
            @Override
            public void watchdogFired(Duration totalBudget, int status) {
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void finished(ShutdownReport report) {
                throw new IllegalStateException("listener broke");
            }
        };
        ShutdownCoordinator drained = builder().listener(broken).build();
        drained.register(new Recording("a", true));
        assertThat(drained.shutdown().exitCode()).isZero();

        ShutdownCoordinator c = ShutdownCoordinator.builder().timeSource(time).totalBudget(Duration.ofSeconds(2))
                .halter(status -> {
                    halted.set(status);
                    haltedLatch.countDown();
                })
                .listener(broken)
                .logFlush(() -> awaitQuietly(haltedLatch))
                .build();
        Hanging hung = new Hanging(false);
        c.register(hung);
        CompletableFuture<ShutdownReport> running = inBackground(c);
        await(hung.entered);
        time.advance(Duration.ofSeconds(2));
        await(haltedLatch);
        assertThat(halted.get()).isEqualTo(ShutdownReport.EXIT_WATCHDOG);
        assertThat(running.get(WAIT_SECONDS, TimeUnit.SECONDS).outcomes().get(0).result())
                .isEqualTo(ShutdownReport.Result.HUNG);
    }

    @Test
    void theListenerGetsTheReportOfACompletedShutdownAndIsSetOnce() {
        List<ShutdownReport> reports = new CopyOnWriteArrayList<>();
        ShutdownCoordinator.Builder b = builder().listener(new ShutdownListener() {
            @Override
            public void finished(ShutdownReport report) {
                reports.add(report);
            }
        });
        assertThatThrownBy(() -> b.listener(new ShutdownListener() { }))
                .isInstanceOf(IllegalStateException.class).hasMessage("listener: already set");
        ShutdownCoordinator c = b.build();
        c.register(new Recording("a", true));
        ShutdownReport r = c.shutdown();
        assertThat(reports).containsExactly(r);
        assertThat(halted.get()).isEqualTo(-1);
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
    void participantFindingCountsRegistrationsMadeAfterTheCheckWasTaken() {
        ShutdownCoordinator c = builder().build();
        StartupCheck check = c.startupCheck();
        assertThat(check.findings(AppEnvironment.PRODUCTION)).filteredOn(x -> x.id().equals("HL-D004")).singleElement()
                .satisfies(x -> {
                    assertThat(x.status()).as("before install(), registrations may still come").isEqualTo(FindingStatus.PASS);
                    assertThat(x.detail()).isEqualTo("none registered yet; checked again when install() runs");
                });
        c.register(new Recording("http", true));
        assertThat(check.findings(AppEnvironment.PRODUCTION)).filteredOn(x -> x.id().equals("HL-D004")).singleElement()
                .satisfies(x -> assertThat(x.detail()).isEqualTo("1 registered"));
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
                .isInstanceOf(IllegalArgumentException.class).hasMessage("drainTimeout: PT-1S (expected: >= PT0S)");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().shutdownDelay(Duration.ofSeconds(1)).quietPeriod(Duration.ofSeconds(2)).build())
                .hasMessageStartingWith("quietPeriod: PT2S (expected: <= shutdownDelay PT1S");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().drainTimeout(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("drainTimeout: already set");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().timeSource(null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeSource: null");
        assertThatThrownBy(() -> ShutdownCoordinator.builder().build().onRelease("has space", () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name: 'has space'");
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
