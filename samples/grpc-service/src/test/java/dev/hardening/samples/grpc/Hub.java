package dev.hardening.samples.grpc;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.TimeSource;
import dev.hardening.samples.grpc.v1.RunTaskRequest;
import dev.hardening.samples.grpc.v1.TaskEvent;
import dev.hardening.samples.grpc.v1.WhoamiRequest;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import dev.hardening.samples.grpc.v1.WorkRequest;
import dev.hardening.samples.grpc.v1.WorkResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** An independent grpc-java client of the service over Netty: a channel, tokens and typed calls. */
final class Hub implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    final ManagedChannel channel;
    /** Trailers of the last call made through {@link #as}. */
    final AtomicReference<Metadata> lastTrailers = new AtomicReference<>();

    private Hub(ManagedChannel channel) {
        this.channel = channel;
    }

    /** @param listening the {@code grpc://host:port} from the listening line */
    static Hub connect(String listening) {
        String hostPort = listening.substring("grpc://".length());
        int colon = hostPort.lastIndexOf(':');
        return new Hub(NettyChannelBuilder.forAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))
                .usePlaintext().maxInboundMessageSize(4 << 20).build());
    }

    /** A token for {@code subject} from the dev issuer whose key the service keeps in {@code workDir}. */
    static String devToken(Path workDir, String subject) {
        DevIssuer issuer = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV,
                workDir.resolve(DevSecretStore.DEFAULT_DIRECTORY)), GrpcService.DEV_AUDIENCE, TimeSource.system());
        return issuer.mint(subject, Duration.ofMinutes(10));
    }

    /** @return a channel view sending {@code authorization} (if not null) and capturing trailers */
    Channel as(String authorization) {
        Metadata h = new Metadata();
        if (authorization != null) {
            h.put(AUTHORIZATION, authorization);
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h),
                MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), lastTrailers));
    }

    static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    WhoamiResponse whoami(String token) {
        return ClientCalls.blockingUnaryCall(as(token == null ? null : "Bearer " + token), TaskHubApi.WHOAMI, options(),
                WhoamiRequest.getDefaultInstance());
    }

    WorkResponse work(String token, int ms) {
        return ClientCalls.blockingUnaryCall(as("Bearer " + token), TaskHubApi.WORK, options(), WorkRequest.newBuilder().setMs(ms).build());
    }

    CompletableFuture<WorkResponse> workAsync(String token, int ms) {
        return CompletableFuture.supplyAsync(() -> work(token, ms));
    }

    ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    /** Starts a task; its events and end are recorded. */
    Task runTask(String token, RunTaskRequest request) {
        Task task = new Task();
        ClientCalls.asyncServerStreamingCall(as("Bearer " + token).newCall(TaskHubApi.RUN_TASK, options()), request, task);
        return task;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task's events in order, and how its stream ended (normally, or with the failure). */
    static final class Task implements StreamObserver<TaskEvent> {
        final List<TaskEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        /** {@code System.nanoTime()} when the stream ended normally. */
        volatile long completedAt;

        @Override
        public void onNext(TaskEvent value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            end.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            completedAt = System.nanoTime();
            end.complete(null);
        }
    }

    /** Polls until the condition holds or the timeout passes. */
    static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            never.await(10, TimeUnit.MILLISECONDS);
        }
        return true;
    }
}
