package dev.hardening.lifecycle.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A participant that never returns, a task that ignores interrupts, and (for the watchdog) a log
 * flush that hangs: the JVM still ends within the total budget + 250 ms, measured from SIGTERM to
 * process exit, with the exit code saying what happened and the log naming what hung.
 */
class WatchdogIT {

    private static final long TOTAL_MS = 2300;
    private static final long MARGIN_MS = 250;

    @Test
    void watchdogHaltsWithinBudgetWhenTheFinalStepHangs() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "drain=300", "total=" + TOTAL_MS,
                "hangParticipant=true", "stubbornTask=true", "hangFlush=true")) {
            jvm.port();
            long t0 = System.nanoTime();
            jvm.sigterm();
            boolean exited = jvm.waitFor(Duration.ofMillis(TOTAL_MS + 10_000));
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000L;
            assertThat(exited).isTrue();
            int exit = jvm.awaitExit(Duration.ofSeconds(5)).orElseThrow();
            assertThat(exit).as("stderr=" + jvm.stderr()).isEqualTo(ShutdownReport.EXIT_WATCHDOG);
            assertThat(elapsedMs).isLessThanOrEqualTo(TOTAL_MS + MARGIN_MS);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(TOTAL_MS - 100);
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("exceeded its total budget")
                    && l.contains("log flush hung") && l.contains("drain-stuck-participant"));
        }
    }

    @Test
    void stuckParticipantAndStubbornTaskAreCutWithinBudgetAndExitNonZero() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "drain=300", "total=" + TOTAL_MS,
                "hangParticipant=true", "stubbornTask=true")) {
            jvm.port();
            long t0 = System.nanoTime();
            jvm.sigterm();
            boolean exited = jvm.waitFor(Duration.ofMillis(TOTAL_MS + 10_000));
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000L;
            assertThat(exited).isTrue();
            int exit = jvm.awaitExit(Duration.ofSeconds(5)).orElseThrow();
            assertThat(exit).as("stderr=" + jvm.stderr()).isEqualTo(ShutdownReport.EXIT_CUT);
            assertThat(elapsedMs).isLessThanOrEqualTo(TOTAL_MS + MARGIN_MS);
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("shutdown cut work")
                    && l.contains("stuck-participant=HUNG") && l.contains("stubborn-jobs=CUT") && l.contains("http=FINISHED"));
        }
    }
}
