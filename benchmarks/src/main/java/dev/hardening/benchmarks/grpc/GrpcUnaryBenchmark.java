package dev.hardening.benchmarks.grpc;

import dev.hardening.benchmarks.grpc.GrpcUnaryFixture.Variant;
import dev.hardening.samples.grpc.v1.WhoamiResponse;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unary gRPC calls per second over Netty on loopback, blocking calls from every JMH thread, one
 * method per {@link Variant} of {@link GrpcUnaryFixture}. JMH runs the variants one after another:
 * on a shared machine whose load moves, {@link GrpcUnaryHarness} (the variants interleaved in
 * rounds) gives the fairer comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class GrpcUnaryBenchmark {

    private GrpcUnaryFixture fixture;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = GrpcUnaryFixture.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public WhoamiResponse bare() {
        return fixture.call(Variant.BARE);
    }

    @Benchmark
    public WhoamiResponse trackerOnly() {
        return fixture.call(Variant.TRACKER_ONLY);
    }

    @Benchmark
    public WhoamiResponse trackerAuth() {
        return fixture.call(Variant.TRACKER_AUTH);
    }

    @Benchmark
    public WhoamiResponse hardenedMemory() {
        return fixture.call(Variant.HARDENED_MEMORY);
    }

    @Benchmark
    public WhoamiResponse hardenedRedis() {
        return fixture.call(Variant.HARDENED_REDIS);
    }
}
