package dev.hardening.samples.grpc;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.samples.grpc.v1.RunTaskRequest;
import dev.hardening.samples.grpc.v1.TaskEvent;
import dev.hardening.samples.grpc.v1.WorkResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAMPLE-GRPC.md "Shutdown": SIGTERM to the packaged jar, observed by a grpc-java client over Netty. */
class ShutdownIT {

    @TempDir
    Path work;

    private static Status statusOf(CompletableFuture<?> call) throws Exception {
        try {
            Object v = call.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failed call, got " + v);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            return ((StatusRuntimeException) e.getCause()).getStatus();
        }
    }

    @Test
    void sigtermCheckpointsStreamsFlipsHealthKeepsServingDrainsUnaryCallsAndExitsZero() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                "SHUTDOWN_DELAY", "2s", "DRAIN_TIMEOUT", "6s", "CLEANUP_INTERVAL", "0s"), work);
             Hub hub = Hub.connect(p.awaitListening(CallsIT.BOOT))) {
            String token = Hub.devToken(work, "node-1");
            assertThat(hub.health("")).isEqualTo(ServingStatus.SERVING);
            Hub.Task task = hub.runTask(token, RunTaskRequest.newBuilder().setTaskId("long").setSteps(10_000).setStepMs(20).build());
            assertThat(Hub.eventually(Duration.ofSeconds(10), () -> task.events.size() >= 3)).isTrue();
            CompletableFuture<WorkResponse> inFlight = hub.workAsync(token, 3000);
            assertThat(hub.work(token, 0).getWorkedMs()).isZero(); // the slow call is under way before the signal

            long signalled = System.nanoTime();
            p.terminate();
            assertThat(Hub.eventually(Duration.ofSeconds(1), () -> hub.health("") == ServingStatus.NOT_SERVING))
                    .as("health NOT_SERVING at once").isTrue();
            assertThat(hub.health(TaskHubApi.SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
            task.end.get(1, TimeUnit.SECONDS); // ended with OK, well before SHUTDOWN_DELAY is over
            long checkpointMs = TimeUnit.NANOSECONDS.toMillis(task.completedAt - signalled);
            // the contract's figure is 300 ms; the assertion leaves room for a loaded CI machine
            assertThat(checkpointMs).as("CHECKPOINT and end of stream before SHUTDOWN_DELAY (2 s) is over").isLessThan(1000);
            TaskEvent last = task.events.get(task.events.size() - 1);
            assertThat(last.getKind()).isEqualTo(TaskEvent.Kind.CHECKPOINT);
            assertThat(last.getTaskId()).isEqualTo("long");
            assertThat(last.getStep()).as("the last finished step").isEqualTo(task.events.size() - 1)
                    .isEqualTo(task.events.get(task.events.size() - 2).getStep());
            System.out.println("checkpoint and end of stream " + checkpointMs + " ms after SIGTERM");

            assertThat(hub.whoami(token).getSub()).as("still serving during SHUTDOWN_DELAY").isEqualTo("node-1");
            p.terminate(); // a second SIGTERM does not skip the drain
            assertThat(inFlight.get(30, TimeUnit.SECONDS).getWorkedMs()).isEqualTo(3000);
            try (Hub late = Hub.connect(p.awaitListening(CallsIT.BOOT))) {
                assertThatThrownBy(() -> late.whoami(token)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            }
            assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.allOutput()).isZero();
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(totalMs).as("SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s").isLessThanOrEqualTo(10_000);
        }
    }

    @Test
    void aCallStillRunningAtTheDeadlineGetsUnavailableFromTheServiceIsLoggedByMethodAndTheExitIsNonZero() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                "SHUTDOWN_DELAY", "0s", "DRAIN_TIMEOUT", "1s", "CLEANUP_INTERVAL", "0s"), work);
             Hub hub = Hub.connect(p.awaitListening(CallsIT.BOOT))) {
            String token = Hub.devToken(work, "node-2");
            CompletableFuture<WorkResponse> stuck = hub.workAsync(token, 20_000);
            assertThat(Hub.eventually(Duration.ofSeconds(10), () -> hub.whoami(token) != null)).isTrue();
            long signalled = System.nanoTime();
            p.terminate();
            Status status = statusOf(stuck);
            assertThat(status.getCode()).as("UNAVAILABLE from the service, not a reset stream").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).isEqualTo(dev.hardening.lifecycle.grpc.GrpcCallTracker.CUT_DESCRIPTION);
            int exit = p.awaitExit(Duration.ofSeconds(30));
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(exit).as(p.allOutput()).isNotZero();
            assertThat(p.allOutput()).contains("hardening.sample.v1.TaskHub/Work");
            assertThat(totalMs).as("SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s").isLessThanOrEqualTo(3_000);
        }
    }
}
