package dev.hardening.lifecycle.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.Deadline;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a force-stopped call looks like on the wire of the Netty transport, with real sockets: left to
 * {@code Server.shutdownNow()} the stream is reset and the client sees {@code CANCELLED}; with the
 * tracker the service answers {@code UNAVAILABLE} first, and a service that answers after the cut
 * changes nothing.
 */
class GrpcServerDrainNettyTest {

    private static final long WAIT_SECONDS = 10;
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

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Throwable> lateAnswer = new CompletableFuture<>();
    private Server server;
    private ManagedChannel channel;

    private void start(GrpcCallTracker tracker) throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("test.Drain")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
                    started.countDown();
                    try {
                        release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                        out.onNext("late");
                        out.onCompleted();
                        lateAnswer.complete(null);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        lateAnswer.complete(e);
                    } catch (RuntimeException e) {
                        lateAnswer.complete(e);
                    }
                })).build();
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service);
        if (tracker != null) {
            b.intercept(tracker);
        }
        server = b.build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        if (channel != null) {
            channel.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private CompletableFuture<String> call() {
        return CompletableFuture.supplyAsync(() -> ClientCalls.blockingUnaryCall(channel, UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(WAIT_SECONDS * 2, TimeUnit.SECONDS), "x"));
    }

    private static Status statusOf(CompletableFuture<String> call) throws Exception {
        try {
            String value = call.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failed call, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            return ((StatusRuntimeException) e.getCause()).getStatus();
        }
    }

    @Test
    void withoutATrackerNettyResetsTheCutCallAndTheClientSeesCancelled() throws Exception {
        start(null);
        GrpcServerDrain drain = GrpcServerDrain.builder(server).build();
        CompletableFuture<String> stuck = call();
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        drain.stopAccepting();
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(50)))).isFalse();
        drain.forceStop();
        assertThat(statusOf(stuck).getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void withATrackerTheCutCallGetsUnavailableFromTheServiceAndLaterAnswersAreDropped() throws Exception {
        GrpcCallTracker tracker = GrpcCallTracker.create();
        start(tracker);
        GrpcServerDrain drain = GrpcServerDrain.builder(server).tracker(tracker).build();
        CompletableFuture<String> stuck = call();
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        drain.drainSignal();
        drain.stopAccepting();
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(50)))).isFalse();
        drain.forceStop();

        Status status = statusOf(stuck);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo(GrpcCallTracker.CUT_DESCRIPTION);
        release.countDown();
        assertThat(lateAnswer.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("the service's late answer is dropped quietly").isNull();
        // gRPC reports the cut call's completion to its listener asynchronously: poll, with a deadline
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (tracker.inFlight() != 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(tracker.inFlight()).isZero();
        assertThat(server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
}
