package dev.hardening.benchmarks.grpc;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.auth.grpc.BearerAuthInterceptor;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.grpc.GrpcCallTracker;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitBackend;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.grpc.CallKeyResolver;
import dev.hardening.ratelimit.grpc.RateLimitInterceptor;
import dev.hardening.ratelimit.redis.RedisBackend;
import dev.hardening.samples.grpc.v1.WhoamiRequest;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Five gRPC servers in this JVM serving the gRPC sample's {@code Whoami} method
 * ({@code samples/grpc-service}'s taskhub.proto, compiled here too) on the Netty transport over
 * loopback, each with the sample's call executor (a fixed pool of 64 threads), and a real
 * grpc-java client channel to each ({@link Variant}). The hardened servers answer from the
 * verified token; the client sends one token, minted once by the dev issuer (RS256), with every
 * call, as a real client reuses its access token until it expires: after the first call the
 * verifier answers from its verified-token cache. The limits are so large that no call is refused,
 * and every call is one limiter decision; {@link #close()} fails if any call was denied. The Redis
 * limiter has the sample's defaults (100 ms command timeout, local fallback):
 * {@link #fallbackShare()} tells how many of its decisions Redis did not make in time. Shared by {@link GrpcUnaryBenchmark} (JMH) and {@link GrpcUnaryHarness}
 * (interleaved rounds). Thread-safe once started.
 */
final class GrpcUnaryFixture implements AutoCloseable {

    /** What stands between the client and the service. */
    enum Variant {
        /** No interceptor; the service answers fixed claims. */
        BARE,
        /** The lifecycle {@code GrpcCallTracker} alone. */
        TRACKER_ONLY,
        /** Tracker + {@code BearerAuthInterceptor}. */
        TRACKER_AUTH,
        /** Tracker + auth + {@code RateLimitInterceptor} on the in-memory backend, keyed by the subject. */
        HARDENED_MEMORY,
        /** The same with the limiter on a redis-server started on a free loopback port (the sample with REDIS_URI). */
        HARDENED_REDIS
    }

    static final String SERVICE = "hardening.sample.v1.TaskHub";
    static final MethodDescriptor<WhoamiRequest, WhoamiResponse> WHOAMI = MethodDescriptor.<WhoamiRequest, WhoamiResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Whoami"))
            .setRequestMarshaller(ProtoUtils.marshaller(WhoamiRequest.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(WhoamiResponse.getDefaultInstance()))
            .build();
    static final String AUDIENCE = "grpc-service";
    /** The sample's call executor size ({@code GrpcService.CALL_THREADS}). */
    static final int CALL_THREADS = 64;
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    private Process redis;
    private RateLimiting memoryLimits;
    private RateLimiting redisLimits;
    private TokenVerifier verifier;
    private final Map<Variant, io.grpc.Channel> variants = new EnumMap<>(Variant.class);

    private GrpcUnaryFixture() {
    }

    /**
     * @return the servers, started and each answered once
     * @throws Exception if a server or redis-server cannot start
     */
    static GrpcUnaryFixture start() throws Exception {
        GrpcUnaryFixture f = new GrpcUnaryFixture();
        try {
            f.setUp();
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
        return f;
    }

    private void setUp() throws Exception {
        Path keys = Files.createTempDirectory("bench-grpc-dev-issuer");
        DevIssuer issuer = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, keys), AUDIENCE, TimeSource.system());
        verifier = TokenVerifier.builder().issuer(issuer.policy().build()).build();
        String expectedSubject = "node-1";
        String token = issuer.mint(expectedSubject, Duration.ofHours(1));

        RateLimitPolicy policy = RateLimitPolicy.parse("1000000000/1s");
        memoryLimits = RateLimiting.builder().policy(policy).backend(RateLimitBackend.MEMORY).build();
        int redisPort = startRedis();
        RedisBackend redisBackend = RedisBackend.connect("redis://127.0.0.1:" + redisPort);
        if (!redisBackend.awaitConnected(Duration.ofSeconds(10))) {
            throw new IllegalStateException("redis-server on " + redisPort + " not connected");
        }
        // the sample's defaults (100 ms command timeout, local fallback); how many decisions the
        // fallback made is counted and reported (fallbackShare), so a run where Redis was too slow shows
        redisLimits = RateLimiting.builder().policy(policy).fallback(FallbackMode.LOCAL).shared(redisBackend).build();

        variants.put(Variant.BARE, channel(serve(bareService()), null));
        variants.put(Variant.TRACKER_ONLY, channel(serve(hardened(bareService(), GrpcCallTracker.create())), null));
        variants.put(Variant.TRACKER_AUTH, channel(serve(hardened(tokenService(), GrpcCallTracker.create(),
                BearerAuthInterceptor.of(verifier))), token));
        variants.put(Variant.HARDENED_MEMORY, channel(serve(hardened(tokenService(), GrpcCallTracker.create(),
                BearerAuthInterceptor.of(verifier), limits(memoryLimits))), token));
        variants.put(Variant.HARDENED_REDIS, channel(serve(hardened(tokenService(), GrpcCallTracker.create(),
                BearerAuthInterceptor.of(verifier), limits(redisLimits))), token));
        // every path answers with the subject (the hardened ones from the verified token)
        for (Variant v : Variant.values()) {
            String sub = call(v).getSub();
            if (!sub.equals(expectedSubject)) {
                throw new IllegalStateException(v + ": unexpected subject " + sub);
            }
        }
    }

    /**
     * One blocking unary call.
     *
     * @param variant which server
     * @return the answer
     * @throws io.grpc.StatusRuntimeException if the call fails
     */
    WhoamiResponse call(Variant variant) {
        return call(variants.get(variant));
    }

    private static RateLimitInterceptor limits(RateLimiting limiting) {
        return RateLimitInterceptor.builder(limiting)
                .keyResolver(CallKeyResolver.subjectOrPeerAddress(BearerAuthInterceptor.TOKEN, VerifiedToken::subject))
                .build();
    }

    /** The interceptors outermost first, as the sample's {@code Wiring} orders them. */
    private static ServerServiceDefinition hardened(ServerServiceDefinition service, ServerInterceptor... outermostFirst) {
        List<ServerInterceptor> innermostFirst = new ArrayList<>(List.of(outermostFirst));
        java.util.Collections.reverse(innermostFirst);
        return ServerInterceptors.intercept(service, innermostFirst);
    }

    private static ServerServiceDefinition bareService() {
        WhoamiResponse fixed = WhoamiResponse.newBuilder().setSub("node-1").setIss(DevIssuer.ISSUER).addAud(AUDIENCE)
                .setExp(4_102_444_800L).build();
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(WHOAMI, ServerCalls.asyncUnaryCall((WhoamiRequest r, StreamObserver<WhoamiResponse> out) -> {
                    // the same message the hardened service builds, from constants
                    out.onNext(WhoamiResponse.newBuilder().setSub(fixed.getSub()).setIss(fixed.getIss())
                            .addAllAud(fixed.getAudList()).setExp(fixed.getExp()).build());
                    out.onCompleted();
                }))
                .build();
    }

    private static ServerServiceDefinition tokenService() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(WHOAMI, ServerCalls.asyncUnaryCall((WhoamiRequest r, StreamObserver<WhoamiResponse> out) -> {
                    VerifiedToken t = BearerAuthInterceptor.TOKEN.get();
                    out.onNext(WhoamiResponse.newBuilder().setSub(t.subject()).setIss(t.issuer())
                            .addAllAud(t.audiences()).setExp(t.expiresAt().getEpochSecond()).build());
                    out.onCompleted();
                }))
                .build();
    }

    private Server serve(ServerServiceDefinition service) throws IOException {
        ExecutorService calls = Executors.newFixedThreadPool(CALL_THREADS);
        executors.add(calls);
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .executor(calls)
                .maxInboundMessageSize(1_048_576)
                .addService(service)
                .build()
                .start();
        servers.add(s);
        return s;
    }

    private io.grpc.Channel channel(Server server, String token) {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        channels.add(ch);
        if (token == null) {
            return ch;
        }
        Metadata h = new Metadata();
        h.put(AUTHORIZATION, "Bearer " + token);
        return io.grpc.ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(h));
    }

    private static WhoamiResponse call(io.grpc.Channel channel) {
        return ClientCalls.blockingUnaryCall(channel, WHOAMI, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                WhoamiRequest.getDefaultInstance());
    }

    private int startRedis() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", Files.createTempDirectory("bench-redis").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return port;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @return the share of the Redis limiter's decisions made by its local fallback (Redis too slow
     *     or unreachable), 0 to 1
     */
    double fallbackShare() {
        long all = redisLimits.counters().allowed() + redisLimits.counters().denied();
        return all == 0 ? 0 : (double) redisLimits.counters().fallbackDecisions() / all;
    }

    /**
     * Stops everything.
     *
     * @throws IllegalStateException if a hardened call was denied: the figures would not be of
     *                               calls that reached the service
     */
    @Override
    public void close() {
        try {
            for (ManagedChannel c : channels) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            for (Server s : servers) {
                s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executors.forEach(ExecutorService::shutdownNow);
        if (verifier != null) {
            verifier.close();
        }
        if (memoryLimits != null) {
            memoryLimits.close();
        }
        if (redisLimits != null) {
            redisLimits.close();
        }
        if (redis != null) {
            redis.destroyForcibly();
        }
        // no call was refused: every figure is of calls that reached the service
        for (RateLimiting l : new RateLimiting[] {memoryLimits, redisLimits}) {
            if (l != null && l.counters().denied() > 0) {
                throw new IllegalStateException("limiter " + l.shared().map(Object::toString).orElse("memory")
                        + ": denied " + l.counters().denied() + " calls");
            }
        }
    }
}
