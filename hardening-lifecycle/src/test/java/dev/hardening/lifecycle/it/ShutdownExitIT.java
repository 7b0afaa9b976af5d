package dev.hardening.lifecycle.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.RawHttp;
import dev.hardening.lifecycle.ShutdownReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM runs the drain, then exits with the report's code through {@code System.exit}: other
 * libraries' shutdown hooks (here one that works {@value DrainTestServer#HOOK_WORK_MILLIS} ms and
 * then writes a file) run to their end, drained or cut, and a second SIGTERM does not skip the drain.
 */
class ShutdownExitIT {

    private static Path hookFile(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "forked-jvm").toAbsolutePath());
        Path file = dir.resolve(name + "-" + ProcessHandle.current().pid() + ".txt");
        Files.deleteIfExists(file);
        return file;
    }

    @Test
    void drainedExitsZeroAndAnotherShutdownHookCompletes() throws Exception {
        Path file = hookFile("drained");
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=0", "drain=5000", "hookFile=" + file)) {
            jvm.port();
            jvm.sigterm();
            int exit = jvm.awaitExit(Duration.ofSeconds(20)).orElseThrow();
            assertThat(exit).as("stderr=" + jvm.stderr()).isEqualTo(ShutdownReport.EXIT_DRAINED);
            assertThat(file).hasContent("hook done");
        }
    }

    @Test
    void cutExitsNonZeroAndAnotherShutdownHookStillCompletes() throws Exception {
        Path file = hookFile("cut");
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=0", "drain=300", "hookFile=" + file)) {
            int port = jvm.port();
            RawHttp.Outcome[] slow = new RawHttp.Outcome[1];
            Thread t = new Thread(() -> {
                try (RawHttp c = RawHttp.connect(port)) {
                    slow[0] = c.attempt("/work?ms=30000&id=long", false);
                } catch (Exception e) {
                    slow[0] = RawHttp.Outcome.failed(e.getMessage());
                }
            });
            t.start();
            jvm.awaitStdout(l -> l.equals("accepted long"), Duration.ofSeconds(10));
            jvm.sigterm();
            int exit = jvm.awaitExit(Duration.ofSeconds(20)).orElseThrow();
            t.join(10_000);
            assertThat(exit).as("stderr=" + jvm.stderr()).isEqualTo(ShutdownReport.EXIT_CUT);
            assertThat(slow[0].status()).as(String.valueOf(slow[0])).isEqualTo(503);
            assertThat(file).hasContent("hook done");
        }
    }

    @Test
    void aSecondSigtermDoesNotSkipTheDrain() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=0", "drain=10000")) {
            int port = jvm.port();
            RawHttp.Outcome[] work = new RawHttp.Outcome[1];
            Thread t = new Thread(() -> {
                try (RawHttp c = RawHttp.connect(port)) {
                    work[0] = c.attempt("/work?ms=1500&id=busy", false);
                } catch (Exception e) {
                    work[0] = RawHttp.Outcome.failed(e.getMessage());
                }
            });
            t.start();
            jvm.awaitStdout(l -> l.equals("accepted busy"), Duration.ofSeconds(10));
            jvm.sigterm();
            jvm.awaitStdout(l -> l.equals("draining"), Duration.ofSeconds(10));
            jvm.sigterm();
            int exit = jvm.awaitExit(Duration.ofSeconds(20)).orElseThrow();
            t.join(10_000);
            assertThat(work[0].status()).as(String.valueOf(work[0])).isEqualTo(200);
            assertThat(exit).as("stderr=" + jvm.stderr()).isEqualTo(ShutdownReport.EXIT_DRAINED);
        }
    }
}
