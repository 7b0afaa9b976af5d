package dev.hardening.benchmarks.grpc;

import dev.hardening.benchmarks.grpc.GrpcUnaryFixture.Variant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unary calls per second of every {@link Variant} of {@link GrpcUnaryFixture}, interleaved: each
 * round runs a burst of calls against every variant in a fresh random order, so that a machine
 * whose load moves (other builds on a shared box) moves every variant alike, and each round gives
 * one ratio per variant to the bare server measured beside it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hardening.benchmarks.grpc.GrpcUnaryHarness THREADS ROUNDS CALLS [WARMUP_ROUNDS]
 * </pre>
 *
 * {@code THREADS} client threads each make {@code CALLS} blocking calls per variant per round;
 * the first {@code WARMUP_ROUNDS} rounds (default 10) are not counted. Prints, per variant, calls
 * per second over all counted rounds and the median and quartiles of the per-round ratio to bare.
 * A command-line tool; exits non-zero if a call fails or more than 1 % of the Redis limiter's
 * decisions were made by its fallback (printed).
 */
public final class GrpcUnaryHarness {

    private GrpcUnaryHarness() {
    }

    /**
     * @param args THREADS ROUNDS CALLS [WARMUP_ROUNDS]
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: THREADS ROUNDS CALLS [WARMUP_ROUNDS]");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Map<Variant, Long> nanos = new EnumMap<>(Variant.class);
        Map<Variant, List<Double>> ratios = new EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            nanos.put(v, 0L);
            ratios.put(v, new ArrayList<>());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Random random = new Random(42);
        double fallbackShare;
        try (GrpcUnaryFixture fixture = GrpcUnaryFixture.start()) {
            for (int round = 0; round < warmup + rounds; round++) {
                List<Variant> order = new ArrayList<>(Arrays.asList(Variant.values()));
                Collections.shuffle(order, random);
                Map<Variant, Long> took = new EnumMap<>(Variant.class);
                for (Variant v : order) {
                    took.put(v, burst(pool, fixture, v, threads, calls));
                }
                if (round >= warmup) {
                    for (Variant v : Variant.values()) {
                        nanos.merge(v, took.get(v), Long::sum);
                        // calls/s of v over calls/s of bare in the same round
                        ratios.get(v).add((double) took.get(Variant.BARE) / took.get(v));
                    }
                }
            }
            fallbackShare = fixture.fallbackShare();
        } finally {
            pool.shutdownNow();
        }
        long total = (long) threads * calls * rounds;
        System.out.printf(Locale.ROOT, "threads %d, %d counted rounds of %d calls per thread per variant (%d warm-up)%n",
                threads, rounds, calls, warmup);
        System.out.printf(Locale.ROOT, "%-16s %12s %10s %10s %10s%n", "variant", "calls/s", "÷bare p25", "median", "p75");
        for (Variant v : Variant.values()) {
            List<Double> r = ratios.get(v);
            Collections.sort(r);
            System.out.printf(Locale.ROOT, "%-16s %12.0f %10.2f %10.2f %10.2f%n", v, total / (nanos.get(v) / 1e9),
                    quantile(r, 0.25), quantile(r, 0.5), quantile(r, 0.75));
        }
        System.out.printf(Locale.ROOT, "Redis limiter decisions made by its local fallback (Redis too slow): %.3f %%%n",
                fallbackShare * 100);
        // more than 1 % would make HARDENED_REDIS partly a measure of the in-memory fallback
        System.exit(fallbackShare > 0.01 ? 1 : 0);
    }

    /** @return nanoseconds for {@code threads} threads to make {@code calls} calls each */
    private static long burst(ExecutorService pool, GrpcUnaryFixture fixture, Variant v, int threads, int calls)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < calls; i++) {
                    fixture.call(v);
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        return System.nanoTime() - t0;
    }

    private static double quantile(List<Double> sorted, double q) {
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }
}
