package dev.hardening.ratelimit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitHeaders;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.testkit.FakeTime;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gRPC adapter over the Netty transport with real sockets and a grpc-java client. */
class RateLimitInterceptorTest {

    /** Stands in for the authentication interceptor: the caller's subject comes from the {@code x-user} header. */
    static final Context.Key<String> SUBJECT = Context.key("test.subject");
    static final Metadata.Key<String> X_USER = Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER);

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
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
    static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", "Say"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    private final FakeTime time = FakeTime.create();
    private final AtomicInteger served = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ServerServiceDefinition echo() {
        return ServerServiceDefinition.builder("test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
                    served.incrementAndGet();
                    out.onNext("hello " + req);
                    out.onCompleted();
                })).build();
    }

    private static ServerInterceptor identifying() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                String user = h.get(X_USER);
                if (user == null) {
                    return next.startCall(call, h);
                }
                return Contexts.interceptCall(Context.current().withValue(SUBJECT, user), call, h, next);
            }
        };
    }

    private ManagedChannel serve(ServerServiceDefinition service) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        open.add(() -> {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        });
        return channel;
    }

    private RateLimiting limits(String spec, EnforcementMode mode) {
        return RateLimiting.builder().policy(RateLimitPolicy.parse(spec)).mode(mode).timeSource(time).build();
    }

    private static String call(ManagedChannel channel, String user, Metadata[] headersOut, Metadata[] trailersOut) {
        Metadata extra = new Metadata();
        if (user != null) {
            extra.put(X_USER, user);
        }
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        io.grpc.Channel ch = io.grpc.ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(extra),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        try {
            return ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "x");
        } finally {
            if (headersOut != null) {
                headersOut[0] = headers.get();
            }
            if (trailersOut != null) {
                trailersOut[0] = trailers.get();
            }
        }
    }

    @Test
    void overTheLimitAnswersResourceExhaustedWithTheHttpAdaptersValuesAsTrailers() throws Exception {
        RateLimiting rl = limits("2/1m", EnforcementMode.ENFORCE);
        ManagedChannel channel = serve(ServerInterceptors.intercept(echo(), RateLimitInterceptor.of(rl)));
        Metadata[] headers = new Metadata[1];
        assertThat(call(channel, null, headers, null)).isEqualTo("hello x");
        assertThat(headers[0].get(RateLimitInterceptor.RATELIMIT_POLICY)).isEqualTo("\"2/1m\";q=2;w=60");
        assertThat(headers[0].get(RateLimitInterceptor.RATELIMIT)).isEqualTo("\"2/1m\";r=1;t=30");
        call(channel, null, null, null);

        Metadata[] trailers = new Metadata[1];
        assertThatThrownBy(() -> call(channel, null, null, trailers))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo(RateLimitInterceptor.LIMITED);
                });
        assertThat(trailers[0].get(RateLimitInterceptor.RETRY_AFTER)).isEqualTo("30");
        assertThat(trailers[0].get(RateLimitInterceptor.RATELIMIT)).isEqualTo("\"2/1m\";r=0;t=60");
        assertThat(trailers[0].get(RateLimitInterceptor.RATELIMIT_POLICY))
                .isEqualTo(RateLimitHeaders.policy(rl.policy()));
        assertThat(served).as("the service never saw the limited call").hasValue(2);

        time.advance(java.time.Duration.ofSeconds(30));
        assertThat(call(channel, null, null, null)).as("a token refilled").isEqualTo("hello x");
    }

    @Test
    void keysByTheSubjectAnEarlierInterceptorVerifiedElseByPeerAddress() throws Exception {
        RateLimiting rl = limits("1/1m", EnforcementMode.ENFORCE);
        RateLimitInterceptor limiter = RateLimitInterceptor.builder(rl)
                .keyResolver(CallKeyResolver.subjectOrPeerAddress(SUBJECT, s -> s)).build();
        // the last interceptor runs first: identify, then limit
        ManagedChannel channel = serve(ServerInterceptors.intercept(echo(), limiter, identifying()));
        call(channel, "alice", null, null);
        call(channel, "bob", null, null);
        call(channel, null, null, null);
        assertThatThrownBy(() -> call(channel, "alice", null, null)).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> call(channel, null, null, null)).isInstanceOf(StatusRuntimeException.class);
        assertThat(served).hasValue(3);
        assertThat(rl.counters().denied()).isEqualTo(2);
    }

    @Test
    void shadowModeLetsEveryCallThroughAndCountsWouldBeDenials() throws Exception {
        RateLimiting rl = limits("1/1m", EnforcementMode.SHADOW);
        ManagedChannel channel = serve(ServerInterceptors.intercept(echo(), RateLimitInterceptor.of(rl)));
        for (int i = 0; i < 3; i++) {
            assertThat(call(channel, null, null, null)).isEqualTo("hello x");
        }
        assertThat(served).hasValue(3);
        assertThat(rl.counters().shadowDenied()).isEqualTo(2);
    }

    @Test
    void builderOptionsAreSetOnce() {
        RateLimiting rl = limits("1/1m", EnforcementMode.ENFORCE);
        RateLimitInterceptor.Builder b = RateLimitInterceptor.builder(rl).keyResolver(CallKeyResolver.peerAddress());
        assertThatThrownBy(() -> b.keyResolver(CallKeyResolver.peerAddress()))
                .isInstanceOf(IllegalStateException.class).hasMessage("keyResolver: already set");
        assertThatThrownBy(() -> RateLimitInterceptor.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(RateLimitInterceptor.of(rl)).hasToString("rate limit 1/1m (ENFORCE)");
    }
}
