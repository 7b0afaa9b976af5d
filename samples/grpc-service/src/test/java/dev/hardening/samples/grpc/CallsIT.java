package dev.hardening.samples.grpc;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.samples.grpc.v1.RunTaskRequest;
import dev.hardening.samples.grpc.v1.TaskEvent;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAMPLE-GRPC.md "Calls" and "The service", against the packaged jar over Netty. */
class CallsIT {

    static final Duration BOOT = Duration.ofSeconds(30);
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RATELIMIT = Metadata.Key.of("ratelimit", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RATELIMIT_POLICY = Metadata.Key.of("ratelimit-policy", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    static Path work;
    static JarProcess service;
    static Hub hub;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0", "RATE_LIMIT", "3/1m",
                "CLEANUP_INTERVAL", "0s"), work);
        String listening = service.awaitListening(BOOT);
        assertThat(listening).as(service.allOutput()).startsWith("grpc://127.0.0.1:");
        assertThat(service.stdout()).as("the startup report comes first")
                .startsWith("hardening startup report").contains("HG-T001").contains("HL-J001");
        hub = Hub.connect(listening);
        token = Hub.devToken(work, "node-7");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
        service.close();
    }

    private static int callers;

    /** @return a token for a subject not used before: its own quota */
    private static String fresh() {
        return Hub.devToken(work, "caller-" + (++callers));
    }

    private static Status statusOf(ThrowingCallable call) {
        StatusRuntimeException[] caught = new StatusRuntimeException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> caught[0] = e);
        return caught[0].getStatus();
    }

    @Test
    void missingOrInvalidTokensAreUnauthenticatedWithTheReasonCodeAndConsumeNoQuota() {
        for (int i = 0; i < 5; i++) {
            Status missing = statusOf(() -> hub.whoami(null));
            assertThat(missing.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(missing.getDescription()).isEqualTo("missing");
            Status malformed = statusOf(() -> hub.whoami("not-a-jwt"));
            assertThat(malformed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(malformed.getDescription()).isEqualTo("malformed");
        }
        // ten rejections from one address and not one RESOURCE_EXHAUSTED (RATE_LIMIT=3/1m): the
        // limiter, keyed by the address when there is no subject, never saw them
        String valid = Hub.devToken(work, "mallory");
        String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        for (int i = 0; i < 4; i++) {
            Status bad = statusOf(() -> hub.whoami(tampered));
            assertThat(bad.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(bad.getDescription()).isEqualTo("bad_signature").doesNotContain(tampered);
        }
        // nor did the rejected tokens use the quota of the subject they name
        for (int i = 0; i < 3; i++) {
            assertThat(hub.whoami(valid).getSub()).isEqualTo("mallory");
        }
    }

    @Test
    void whoamiAnswersTheVerifiedClaimsAndLimitsApplyPerCallerWithTheHttpValuesAsTrailers() {
        String limited = Hub.devToken(work, "limited-node");
        WhoamiResponse me = hub.whoami(limited);
        assertThat(me.getSub()).isEqualTo("limited-node");
        assertThat(me.getIss()).isEqualTo("urn:hardening:dev-issuer");
        assertThat(me.getAudList()).containsExactly(GrpcService.DEV_AUDIENCE);
        assertThat(me.getExp()).isGreaterThan(System.currentTimeMillis() / 1000);
        hub.whoami(limited);
        hub.work(limited, 0);
        Status over = statusOf(() -> hub.whoami(limited));
        assertThat(over.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        Metadata trailers = hub.lastTrailers.get();
        assertThat(Long.parseLong(trailers.get(RETRY_AFTER))).isBetween(1L, 20L);
        assertThat(trailers.get(RATELIMIT)).matches("\"3/1m\";r=0;t=\\d+");
        assertThat(trailers.get(RATELIMIT_POLICY)).isEqualTo("\"3/1m\";q=3;w=60");

        assertThat(hub.whoami(Hub.devToken(work, "another-node")).getSub()).as("per caller").isEqualTo("another-node");
        for (int i = 0; i < 5; i++) {
            assertThat(hub.health("")).as("health is never limited").isEqualTo(ServingStatus.SERVING);
            assertThat(hub.health(TaskHubApi.SERVICE)).isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void runTaskStreamsProgressThenDoneAndResumesAfterTheGivenStep() throws Exception {
        String node = Hub.devToken(work, "runner");
        Hub.Task task = hub.runTask(node, RunTaskRequest.newBuilder().setTaskId("t-1").setSteps(5).setStepMs(1).setResumeFrom(2).build());
        task.end.get(30, TimeUnit.SECONDS);
        assertThat(task.events).extracting(TaskEvent::getKind, TaskEvent::getStep).containsExactly(
                org.assertj.core.groups.Tuple.tuple(TaskEvent.Kind.PROGRESS, 3),
                org.assertj.core.groups.Tuple.tuple(TaskEvent.Kind.PROGRESS, 4),
                org.assertj.core.groups.Tuple.tuple(TaskEvent.Kind.PROGRESS, 5),
                org.assertj.core.groups.Tuple.tuple(TaskEvent.Kind.DONE, 5));
        assertThat(task.events).extracting(TaskEvent::getTaskId).containsOnly("t-1");
    }

    @Test
    void outOfRangeArgumentsAreInvalidArgumentAndOversizedMessagesResourceExhaustedOnAUsableConnection() throws Exception {
        assertThat(statusOf(() -> hub.work(fresh(), 60_001)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(statusOf(() -> hub.work(fresh(), -1)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        for (RunTaskRequest bad : new RunTaskRequest[] {
                RunTaskRequest.newBuilder().setSteps(0).build(),
                RunTaskRequest.newBuilder().setSteps(10_001).build(),
                RunTaskRequest.newBuilder().setSteps(2).setStepMs(-1).build(),
                RunTaskRequest.newBuilder().setSteps(2).setResumeFrom(2).build()}) {
            Hub.Task task = hub.runTask(fresh(), bad);
            assertThatThrownBy(() -> task.end.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                            .isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
        String big = Hub.devToken(work, "big-sender");
        RunTaskRequest atLimit = RunTaskRequest.newBuilder().setTaskId("x".repeat(1_048_576 - 16)).setSteps(1).build();
        assertThat(atLimit.getSerializedSize()).isLessThanOrEqualTo(1_048_576);
        Hub.Task accepted = hub.runTask(big, atLimit);
        accepted.end.get(30, TimeUnit.SECONDS);
        RunTaskRequest tooBig = RunTaskRequest.newBuilder().setTaskId("x".repeat(1_048_577)).setSteps(1).build();
        Status status = statusOf(() -> ClientCalls.blockingServerStreamingCall(hub.as("Bearer " + big), TaskHubApi.RUN_TASK,
                Hub.options(), tooBig).forEachRemaining(e -> { }));
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(hub.work(fresh(), 0).getWorkedMs()).as("the same connection still works").isZero();
    }
}
