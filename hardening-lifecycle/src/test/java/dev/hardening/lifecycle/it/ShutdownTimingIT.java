package dev.hardening.lifecycle.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.RawHttp;
import dev.hardening.lifecycle.ShutdownReport;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Idle shutdown is fast; work still running at the drain deadline is cut with 503 and a non-zero exit. */
class ShutdownTimingIT {

    private static final Pattern TOOK = Pattern.compile("shutdown drained in (\\d+) ms");

    @Test
    void idleShutdownWithoutDelayCompletesWithin150Millis() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=0", "drain=20000")) {
            int port = jvm.port();
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.attempt("/readyz", true).status()).isEqualTo(200);
            }
            long t0 = System.nanoTime();
            jvm.sigterm();
            assertThat(jvm.waitFor(Duration.ofSeconds(20))).isTrue();
            long externalMs = (System.nanoTime() - t0) / 1_000_000L;
            int exit = jvm.awaitExit(Duration.ofSeconds(5)).orElseThrow();
            assertThat(exit).as("stderr=" + jvm.stderr()).isZero();
            String line = jvm.stderr().stream().filter(l -> TOOK.matcher(l).find()).findFirst().orElseThrow();
            Matcher m = TOOK.matcher(line);
            assertThat(m.find()).isTrue();
            long internalMs = Long.parseLong(m.group(1));
            assertThat(internalMs).as(line).isLessThanOrEqualTo(150);
            // SIGTERM to process exit, including signal delivery and JVM teardown on a shared machine.
            assertThat(externalMs).isLessThanOrEqualTo(400);
        }
    }

    @Test
    void workStillRunningAtTheDeadlineIsCutWith503AndExitIsNonZero() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=0", "drain=400")) {
            int port = jvm.port();
            RawHttp.Outcome[] slow = new RawHttp.Outcome[1];
            Thread t = new Thread(() -> {
                try (RawHttp c = RawHttp.connect(port)) {
                    slow[0] = c.attempt("/work?ms=30000&id=tooslow", false);
                } catch (Exception e) {
                    slow[0] = RawHttp.Outcome.failed(e.toString());
                }
            });
            t.start();
            jvm.awaitStdout(l -> l.equals("accepted tooslow"), Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            jvm.sigterm();
            assertThat(jvm.waitFor(Duration.ofSeconds(20))).isTrue();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000L;
            t.join(10_000);
            int exit = jvm.awaitExit(Duration.ofSeconds(5)).orElseThrow();
            assertThat(exit).isEqualTo(ShutdownReport.EXIT_CUT);
            assertThat(slow[0].status()).as(String.valueOf(slow[0])).isEqualTo(503);
            assertThat(slow[0].connectionClose()).isTrue();
            assertThat(elapsedMs).isLessThan(400 + 2000);
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("http=CUT"));
        }
    }
}
