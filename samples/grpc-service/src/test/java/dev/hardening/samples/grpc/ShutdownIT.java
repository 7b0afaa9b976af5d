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
import java.util.List;
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
            // three open streams: one stepping fast, one mid-way through a long step, one resumed
            List<Hub.Task> tasks = List.of(
                    hub.runTask(token, RunTaskRequest.newBuilder().setTaskId("fast").setSteps(10_000).setStepMs(20).build()),
                    hub.runTask(token, RunTaskRequest.newBuilder().setTaskId("slow").setSteps(100).setStepMs(1500).build()),
                    hub.runTask(token, RunTaskRequest.newBuilder().setTaskId("resumed").setSteps(10_000).setStepMs(50)
                            .setResumeFrom(7).build()));
            assertThat(Hub.eventually(Duration.ofSeconds(10), () -> tasks.get(0).events.size() >= 3
                    && tasks.get(2).events.size() >= 1 && tasks.get(1).events.size() >= 1)).isTrue();
            CompletableFuture<WorkResponse> inFlight = hub.workAsync(token, 3000);
            assertThat(hub.work(token, 0).getWorkedMs()).isZero(); // the slow call is under way before the signal

            // SAMPLE-GRPC.md's bound, measured from the moment the signal is sent; the health poll
            // and the client's own callback only add to the measured figures
            long signalled = System.nanoTime();
            p.terminate();
            assertThat(Hub.eventually(Duration.ofSeconds(5), () -> hub.health("") == ServingStatus.NOT_SERVING))
                    .as("health NOT_SERVING").isTrue();
            long notServingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(hub.health(TaskHubApi.SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
            long lastEndNanos = signalled;
            for (Hub.Task task : tasks) {
                task.end.get(5, TimeUnit.SECONDS); // ended with OK
                lastEndNanos = Math.max(lastEndNanos, task.completedAt);
            }
            long checkpointMs = TimeUnit.NANOSECONDS.toMillis(lastEndNanos - signalled);
            System.out.println("after SIGTERM: health NOT_SERVING seen at " + notServingMs
                    + " ms, the last of " + tasks.size() + " streams checkpointed and ended at " + checkpointMs + " ms");
            assertThat(notServingMs).as("health NOT_SERVING within 300 ms of SIGTERM").isLessThanOrEqualTo(300);
            assertThat(checkpointMs).as("every stream's CHECKPOINT and end within 300 ms of SIGTERM").isLessThanOrEqualTo(300);
            for (Hub.Task task : tasks) {
                List<TaskEvent> events = task.events;
                TaskEvent last = events.get(events.size() - 1);
                assertThat(last.getKind()).isEqualTo(TaskEvent.Kind.CHECKPOINT);
                assertThat(events).allSatisfy(e -> assertThat(e.getTaskId()).isEqualTo(last.getTaskId()));
                assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.getKind()).isEqualTo(TaskEvent.Kind.PROGRESS));
                int resumedFrom = last.getTaskId().equals("resumed") ? 7 : 0;
                assertThat(last.getStep()).as("%s: the last finished step", last.getTaskId())
                        .isEqualTo(resumedFrom + events.size() - 1)
                        .isEqualTo(events.size() > 1 ? events.get(events.size() - 2).getStep() : resumedFrom);
            }
            assertThat(tasks.get(1).events).as("slow: checkpointed mid-step, not after it").hasSizeLessThanOrEqualTo(3);

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
