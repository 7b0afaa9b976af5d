package dev.hardening.lifecycle.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.ShutdownReport;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcServerDrainTest {

    private static final long WAIT_SECONDS = 10;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger();

    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> UNARY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Drain/Unary")
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    private static final MethodDescriptor<String, String> STREAM = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("test.Drain/Stream")
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    private final CountDownLatch releaseUnary = new CountDownLatch(1);
    private final CountDownLatch unaryStarted = new CountDownLatch(1);
    private final CountDownLatch streamHookRan = new CountDownLatch(1);
    private final GrpcCallTracker tracker = GrpcCallTracker.create();
    private final HealthStatusManager grpcHealth = new HealthStatusManager();
    private Server server;
    private ManagedChannel channel;

    private void start() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("test.Drain")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall(this::unary))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall(this::stream))
                .build();
        String name = "drain-test-" + SERVER_IDS.incrementAndGet();
        server = InProcessServerBuilder.forName(name)
                .addService(service)
                .addService(grpcHealth.getHealthService())
                .intercept(tracker)
                .build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    private void unary(String request, StreamObserver<String> out) {
        unaryStarted.countDown();
        try {
            if (releaseUnary.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                out.onNext("done:" + request);
                out.onCompleted();
            } else {
                out.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.asRuntimeException());
        }
    }

    /** Sends one tick, then waits for the drain hook and ends the stream with a last message. */
    private void stream(String request, StreamObserver<String> out) {
        GrpcCallTracker.onDrain(streamHookRan::countDown);
        out.onNext("tick");
        try {
            if (streamHookRan.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                out.onNext("bye");
                out.onCompleted();
            } else {
                out.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.asRuntimeException());
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        releaseUnary.countDown();
        streamHookRan.countDown();
        if (channel != null) {
            channel.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void unaryAndStreamingCallsInFlightFinishAndLateCallsGetUnavailable() throws Exception {
        start();
        GrpcServerDrain drain = GrpcServerDrain.builder(server).tracker(tracker).build();
        CompletableFuture<String> unary = unaryCall("a");
        Recorder stream = new Recorder();
        ClientCalls.asyncServerStreamingCall(channel.newCall(STREAM, CallOptions.DEFAULT), "s", stream);
        assertThat(unaryStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.first.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight()).isEqualTo(2);

        drain.drainSignal();
        assertThat(stream.done.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
        assertThat(stream.messages).containsExactly("tick", "bye");

        drain.stopAccepting();
        assertThat(statusOf(unaryCall("late"))).isEqualTo(Status.Code.UNAVAILABLE);

        releaseUnary.countDown();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(WAIT_SECONDS)))).isTrue();
        assertThat(unary.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("done:a");
        assertThat(drain.inFlight()).isZero();
        assertThat(server.isTerminated()).isTrue();
    }

    @Test
    void callsReachingTheServerAfterStopAcceptingAreAnsweredUnavailableByTheTracker() throws Exception {
        start();
        tracker.stopAccepting(); // the server itself still accepts: only the interceptor rejects
        StatusRuntimeException e = failureOf(unaryCall("late"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("server is shutting down; retry the call");
        assertThat(tracker.rejectedCount()).isEqualTo(1);
        assertThat(unaryStarted.getCount()).isEqualTo(1);
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void callBeyondCapacityIsAnsweredUnavailable() throws Exception {
        GrpcCallTracker small = GrpcCallTracker.create(1);
        String name = "drain-test-" + SERVER_IDS.incrementAndGet();
        server = InProcessServerBuilder.forName(name)
                .addService(ServerServiceDefinition.builder("test.Drain")
                        .addMethod(UNARY, ServerCalls.asyncUnaryCall(this::unary)).build())
                .intercept(small).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        CompletableFuture<String> first = unaryCall("a");
        assertThat(unaryStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        StatusRuntimeException e = failureOf(unaryCall("b"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("too many calls in flight; retry the call");
        releaseUnary.countDown();
        assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("done:a");
        awaitTrue(() -> small.inFlight() == 0);
    }

    @Test
    void callThatOutlivesTheDrainDeadlineIsCutWithUnavailable() throws Exception {
        start();
        GrpcServerDrain drain = GrpcServerDrain.builder(server).tracker(tracker).build();
        CompletableFuture<String> stuck = unaryCall("stuck");
        assertThat(unaryStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        drain.drainSignal();
        drain.stopAccepting();
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(100)))).isFalse();
        assertThat(drain.inFlight()).isEqualTo(1);
        drain.forceStop();

        assertThat(statusOf(stuck)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void healthStatusFollowsReadinessAndTurnsNotServingAtTheDrainSignal() throws Exception {
        start();
        Health health = Health.create();
        GrpcHealthStatus status = GrpcHealthStatus.of(health, grpcHealth, "test.Drain");
        GrpcServerDrain drain = GrpcServerDrain.builder(server).tracker(tracker).healthStatus(status).build();
        assertThat(status.refresh()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);

        health.markStarted();
        assertThat(status.refresh()).isEqualTo(ServingStatus.SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
        assertThat(check("test.Drain")).isEqualTo(ServingStatus.SERVING);

        drain.drainSignal();
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("test.Drain")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(status.refresh()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void refreshAfterReadinessEndsTurnsNotServingForGood() throws Exception {
        start();
        Health health = Health.create();
        health.markStarted();
        GrpcHealthStatus status = GrpcHealthStatus.of(health, grpcHealth);
        assertThat(status.refresh()).isEqualTo(ServingStatus.SERVING);
        health.markShuttingDown();
        assertThat(status.refresh()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void coordinatorDrainsTheServerAndFlipsHealthAtTheStart() throws Exception {
        start();
        Health health = Health.create();
        health.markStarted();
        GrpcHealthStatus status = GrpcHealthStatus.of(health, grpcHealth);
        status.refresh();
        ShutdownCoordinator coordinator = ShutdownCoordinator.builder()
                .drainTimeout(Duration.ofSeconds(5)).health(health).halter(code -> { }).build();
        coordinator.register(GrpcServerDrain.builder(server).tracker(tracker).healthStatus(status).build());
        Recorder stream = new Recorder();
        ClientCalls.asyncServerStreamingCall(channel.newCall(STREAM, CallOptions.DEFAULT), "s", stream);
        assertThat(stream.first.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        ShutdownReport report = coordinator.shutdown();

        assertThat(report.fullyDrained()).as(report.render()).isTrue();
        assertThat(stream.done.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
        assertThat(stream.messages).containsExactly("tick", "bye");
        assertThat(server.isTerminated()).isTrue();
    }

    @Test
    void onDrainOutsideATrackedCallIsRejected() {
        assertThatThrownBy(() -> GrpcCallTracker.onDrain(() -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("onDrain: no tracked gRPC call on this thread");
        assertThatThrownBy(() -> GrpcCallTracker.create(0))
                .hasMessage("maxInFlight: 0 (expected: 1..1048576)");
        assertThatThrownBy(() -> GrpcHealthStatus.of(Health.create(), grpcHealth, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderOptionsCanBeSetOnce() throws Exception {
        start();
        GrpcServerDrain.Builder b = GrpcServerDrain.builder(server).tracker(tracker);
        assertThatThrownBy(() -> b.tracker(tracker)).hasMessage("tracker: already set");
        assertThatThrownBy(() -> GrpcServerDrain.builder(server).name(" "))
                .hasMessage("name: ' ' (expected: letters, digits, '.', '_', '-' or ':')");
        assertThat(GrpcServerDrain.builder(server).build().inFlight()).isEqualTo(-1);
    }

    private ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private CompletableFuture<String> unaryCall(String request) {
        CompletableFuture<String> result = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(UNARY, CallOptions.DEFAULT.withDeadlineAfter(WAIT_SECONDS * 2, TimeUnit.SECONDS)),
                request, new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(null);
                    }
                });
        return result;
    }

    private static StatusRuntimeException failureOf(CompletableFuture<String> call) throws Exception {
        try {
            String value = call.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failed call, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            return (StatusRuntimeException) e.getCause();
        }
    }

    private static Status.Code statusOf(CompletableFuture<String> call) throws Exception {
        return failureOf(call).getStatus().getCode();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        CountDownLatch never = new CountDownLatch(1);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("condition within %d s", WAIT_SECONDS).isNegative();
            never.await(5, TimeUnit.MILLISECONDS);
        }
    }

    /** Records a server stream's messages and its end. */
    private static final class Recorder implements StreamObserver<String> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);
        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void onNext(String value) {
            messages.add(value);
            first.countDown();
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }
}
