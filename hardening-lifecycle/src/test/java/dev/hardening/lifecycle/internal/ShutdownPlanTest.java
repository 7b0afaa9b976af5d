package dev.hardening.lifecycle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The budget arithmetic and the findings, apart from the sequence that uses them. */
class ShutdownPlanTest {

    private final FakeTime time = FakeTime.create();

    private static ShutdownPlan plan(Optional<Duration> total) {
        Map<Phase, Duration> budgets = new EnumMap<>(Phase.class);
        budgets.put(Phase.KEEP_SERVING, Duration.ofSeconds(5));
        budgets.put(Phase.DRAIN, Duration.ofSeconds(20));
        budgets.put(Phase.FORCE_STOP, Duration.ofSeconds(1));
        budgets.put(Phase.RELEASE, Duration.ofSeconds(1));
        return ShutdownPlan.of(budgets, Optional.empty(), total, Duration.ofMillis(250), Optional.empty());
    }

    @Test
    void totalDefaultsToTheSumOfThePhasesPlusSlack() {
        ShutdownPlan p = plan(Optional.empty());
        assertThat(p.sumOfPhases()).isEqualTo(Duration.ofSeconds(27));
        assertThat(p.totalBudget()).isEqualTo(Duration.ofMillis(27_250));
        assertThat(p.budget(Phase.STOP_ACCEPTING)).as("a phase left out has no budget").isZero();
        assertThat(p.reserveAfter(Phase.DRAIN)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aPhaseDeadlineKeepsTheLaterPhasesReserveInsideTheTotal() {
        ShutdownPlan p = plan(Optional.of(Duration.ofSeconds(10)));
        Deadline total = Deadline.after(p.totalBudget(), time);
        // keep serving: its own 5 s fit (10 s total - 22 s reserve leaves nothing, so the cap wins)
        assertThat(p.phaseDeadline(total, Phase.KEEP_SERVING).remaining()).isZero();
        time.advance(Duration.ofSeconds(1));
        // drain: 20 s of its own, but 10 s total - 1 s spent - 2 s reserved for force and release = 7 s
        assertThat(p.phaseDeadline(total, Phase.DRAIN).remaining()).isEqualTo(Duration.ofSeconds(7));
        // release: the last budgeted phase keeps its own 1 s
        assertThat(p.phaseDeadline(total, Phase.RELEASE).remaining()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void nothingRegisteredOnceInstalledIsAWarning() {
        ShutdownPlan p = plan(Optional.empty());
        Finding before = p.findings(AppEnvironment.PRODUCTION, 0, false).stream()
                .filter(f -> f.id().equals("HL-D004")).findFirst().orElseThrow();
        Finding after = p.findings(AppEnvironment.PRODUCTION, 0, true).stream()
                .filter(f -> f.id().equals("HL-D004")).findFirst().orElseThrow();
        assertThat(before.status()).isEqualTo(FindingStatus.PASS);
        assertThat(after.status()).isEqualTo(FindingStatus.WARN);
        assertThat(after.detail()).isEqualTo("nothing registered: in-flight work will not be drained");
    }
}
