package dev.hardening.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupReport;
import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleAndConfigMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void recordsPhasesOutcomesAndCutWorkOfAShutdown() {
        ShutdownReport report = new ShutdownReport(
                List.of(new ShutdownReport.PhaseTiming(Phase.KEEP_SERVING, Duration.ofMillis(500)),
                        new ShutdownReport.PhaseTiming(Phase.DRAIN, Duration.ofMillis(2000))),
                List.of(new ShutdownReport.Outcome("http", ShutdownReport.Result.CUT, 5, 2, Duration.ofSeconds(2),
                                Optional.empty()),
                        new ShutdownReport.Outcome("token-verifier", ShutdownReport.Result.FINISHED, 0, 0,
                                Duration.ZERO, Optional.empty()),
                        new ShutdownReport.Outcome("bad name with spaces", ShutdownReport.Result.FAILED, 0, 0,
                                Duration.ZERO, Optional.of("boom"))),
                Duration.ofMillis(2500));
        LifecycleMetrics.record(report, registry);

        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_PHASE).tag("phase", "drain").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000.0);
        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_OUTCOMES).tags("participant", "http", "result", "cut")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_OUTCOMES).tags("participant", "token-verifier",
                "result", "finished").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_OUTCOMES).tags("participant", "other", "result", "failed")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(LifecycleMetrics.SHUTDOWN_CUT).tag("participant", "http").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void exportsStartupFindingsByStatus() {
        StartupReport report = StartupReport.builder(AppEnvironment.DEV)
                .add(Finding.pass("HX-T001", "test", "a", "fine", "none"))
                .add(Finding.pass("HX-T002", "test", "b", "fine", "none"))
                .add(Finding.warn("HX-T003", "test", "c", "risky", "fix it"))
                .build();
        ConfigMetrics.bind(report, registry);
        assertThat(registry.get(ConfigMetrics.FINDINGS).tag("status", "pass").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get(ConfigMetrics.FINDINGS).tag("status", "warn").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(ConfigMetrics.FINDINGS).tag("status", "fail").gauge().value()).isZero();
    }
}
