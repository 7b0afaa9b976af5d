package dev.hardening.samples.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.testkit.JarProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's client commands: {@code java -cp grpc-service.jar ...HubClient} against the running jar. */
class HubClientIT {

    @TempDir
    Path work;

    record Result(int exit, String out, String err) {
    }

    /** Runs the client as the README does, in the service's working directory. */
    private Result client(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                ServiceProcess.JAR.toString(), HubClient.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeCommandsWorkAgainstADevService() throws Exception {
        Result noService = client("127.0.0.1:1", "whoami");
        assertThat(noService.exit()).as("no dev key here yet: explained, not a stack trace").isEqualTo(2);
        assertThat(noService.err()).contains("no token").doesNotContain("Exception");

        try (JarProcess service = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                "CLEANUP_INTERVAL", "0s"), work)) {
            String target = service.awaitListening(CallsIT.BOOT).substring("grpc://".length());

            assertThat(client(target, "health").out().trim()).isEqualTo("SERVING");
            Result me = client(target, "whoami");
            assertThat(me.exit()).as(me.err()).isZero();
            assertThat(me.out()).startsWith("sub=alice iss=urn:hardening:dev-issuer aud=[grpc-service] exp=");
            assertThat(client("--sub", "bob", target, "whoami").out()).startsWith("sub=bob ");
            assertThat(client(target, "work", "10").out().trim()).isEqualTo("worked_ms=10");
            Result task = client(target, "run-task", "t1", "3", "10");
            assertThat(task.out().lines()).containsExactly("PROGRESS t1 1", "PROGRESS t1 2", "PROGRESS t1 3", "DONE t1 3");
            assertThat(client(target, "run-task", "t2", "5", "0", "3").out().lines())
                    .containsExactly("PROGRESS t2 4", "PROGRESS t2 5", "DONE t2 5");

            Result bad = client("--token", "not-a-jwt", target, "whoami");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err().trim()).isEqualTo("UNAUTHENTICATED: malformed");
            Result invalid = client(target, "work", "60001");
            assertThat(invalid.exit()).isEqualTo(1);
            assertThat(invalid.err()).startsWith("INVALID_ARGUMENT: ms: 60001");
        }
    }
}
