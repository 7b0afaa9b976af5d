package dev.hardening.benchmarks.ratelimit;

import dev.hardening.micrometer.RateLimitMetrics;
import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of hardening-micrometer on a local rate-limit decision: two identical in-memory limiters
 * over the same 1,024 keys (a limit high enough that every decision is a bucket update, never a
 * denial), one plain and one bound with {@code RateLimitMetrics.bind} to a
 * {@code PrometheusMeterRegistry} (a listener that increments one pre-registered counter per
 * decision). Goal: at most 100 ns more per decision.
 *
 * <p>{@code recordPlain} / {@code recordMetered} isolate what the meters add: recording one decision
 * in counters without and with the bound listener, with no bucket work around it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MeteredLocalDecisionBenchmark {

    private static final int KEYS = 1024;

    private RateLimiter plain;
    private RateLimiter metered;
    private final String[] keys = new String[KEYS];
    private int next;
    private final RateLimitCounters plainCounters = new RateLimitCounters();
    private final RateLimitCounters meteredCounters = new RateLimitCounters();
    private Decision decision;

    @Setup(Level.Trial)
    public void setUp() {
        RateLimitPolicy policy = RateLimitPolicy.parse("1000000000/1s");
        plain = RateLimiter.local(policy);
        metered = RateLimiter.local(policy);
        RateLimitMetrics.bind(metered, "bench", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RateLimiter withCounters = RateLimiter.localBuilder(policy).counters(meteredCounters).build();
        RateLimitMetrics.bind(withCounters, "bench-record", registry);
        decision = plain.tryAcquire("setup");
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "caller-" + i;
        }
    }

    private String key() {
        next = (next + 1) & (KEYS - 1);
        return keys[next];
    }

    @Benchmark
    public Object plain() {
        return plain.tryAcquire(key());
    }

    @Benchmark
    public Object metered() {
        return metered.tryAcquire(key());
    }

    @Benchmark
    public Object recordPlain() {
        plainCounters.record(decision);
        return plainCounters;
    }

    @Benchmark
    public Object recordMetered() {
        meteredCounters.record(decision);
        return meteredCounters;
    }
}
