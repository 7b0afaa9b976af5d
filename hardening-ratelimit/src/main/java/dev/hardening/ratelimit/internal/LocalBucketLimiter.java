package dev.hardening.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.Limit;
import dev.hardening.ratelimit.LimitStatus;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;

/**
 * Bucket4j local buckets, one per key, in a Caffeine map whose entries expire when their bucket would
 * be full again. Why not Caffeine's size eviction: it picks victims by frequency and recency, so a
 * flood of new keys can still push out a caller at its limit, and that caller then starts from a full
 * bucket. Here only refilled buckets ever leave (a full bucket decides exactly like a new one, so
 * dropping it loses nothing), and when every one of the {@code maxKeys} buckets is still refilling a
 * new key is charged to a single shared overflow bucket instead of displacing anyone. Pinned by
 * {@code LocalLimiterTest.aLimitedCallerStaysLimitedWhileTenTimesTheCapacityOfNewKeysArrive}.
 *
 * <p>Caffeine runs its maintenance on the calling thread (no common-pool tasks) and reads time from
 * the injected {@link TimeSource}. Not public API; build through {@code RateLimiter.localBuilder}.
 * Thread-safe.
 */
public final class LocalBucketLimiter implements RateLimiter {

    private final RateLimitPolicy policy;
    private final int maxKeys;
    private final Cache<String, Slot> buckets;
    private final ConcurrentMap<String, Slot> map;
    private final Bucket overflow;
    private final List<Bandwidth> bandwidths;
    private final TimeMeter timeMeter;
    private final RateLimitCounters counters;
    private final DecisionSource source;

    /** A bucket and how long until it is full again, as of its last decision; immutable holder. */
    private static final class Slot {
        final Bucket bucket;
        final long nanosToFull;

        Slot(Bucket bucket, long nanosToFull) {
            this.bucket = bucket;
            this.nanosToFull = nanosToFull;
        }
    }

    /** Expires a bucket when it is full again; reading a key does not extend it. */
    private static final class UntilFull implements Expiry<String, Slot> {
        @Override
        public long expireAfterCreate(String key, Slot value, long currentTime) {
            return Math.max(1, value.nanosToFull);
        }

        @Override
        public long expireAfterUpdate(String key, Slot value, long currentTime, long currentDuration) {
            return Math.max(1, value.nanosToFull);
        }

        @Override
        public long expireAfterRead(String key, Slot value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * @param policy   the policy
     * @param maxKeys  most keys with a bucket of their own
     * @param time     time source of the buckets and of the map's expiry
     * @param counters counters to update
     * @param source   the source to report on decisions
     */
    public LocalBucketLimiter(RateLimitPolicy policy, int maxKeys, TimeSource time, RateLimitCounters counters,
                              DecisionSource source) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.maxKeys = maxKeys;
        this.counters = Objects.requireNonNull(counters, "counters");
        this.source = Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return time.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder()
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .expireAfter(new UntilFull())
                .build();
        this.map = buckets.asMap();
        this.bandwidths = bandwidths(policy);
        this.overflow = newBucket(bandwidths, timeMeter);
    }

    /** The policy's limits as Bucket4j greedy bandwidths (immutable, so built once and shared by every bucket). */
    private static List<Bandwidth> bandwidths(RateLimitPolicy policy) {
        List<Bandwidth> out = new ArrayList<>();
        for (Limit limit : policy.limits()) {
            out.add(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.tokens(), limit.period()).build());
        }
        return List.copyOf(out);
    }

    private static Bucket newBucket(List<Bandwidth> bandwidths, TimeMeter timeMeter) {
        LocalBucketBuilder builder = Bucket.builder();
        for (Bandwidth b : bandwidths) {
            builder.addLimit(b);
        }
        return builder.withCustomTimePrecision(timeMeter).build();
    }

    /**
     * @param policy    the policy
     * @param timeMeter the time source
     * @return a Bucket4j local bucket with the policy's limits as greedy bandwidths
     */
    public static Bucket newBucket(RateLimitPolicy policy, TimeMeter timeMeter) {
        return newBucket(bandwidths(policy), timeMeter);
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        RateLimiter.checkRequest(key, cost);
        Decision decision;
        // The size test first: below maxKeys (the usual case) a decision costs one map operation,
        // the compute, instead of a lookup and then the compute.
        if (buckets.estimatedSize() >= maxKeys && !map.containsKey(key) && atCapacity()) {
            decision = decide(overflow, cost);
            counters.recordOverflow();
        } else {
            Decision[] out = new Decision[1];
            map.compute(key, (k, old) -> {
                Bucket bucket = old == null ? newBucket(bandwidths, timeMeter) : old.bucket;
                out[0] = decide(bucket, cost);
                return new Slot(bucket, out[0].resetAfter().toNanos());
            });
            decision = out[0];
        }
        counters.record(decision);
        return decision;
    }

    /** Whether every one of the {@code maxKeys} places holds a bucket that is still refilling. */
    private boolean atCapacity() {
        if (buckets.estimatedSize() < maxKeys) {
            return false;
        }
        buckets.cleanUp(); // removes the buckets that have refilled by now
        return buckets.estimatedSize() >= maxKeys;
    }

    private Decision decide(Bucket bucket, long cost) {
        VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(cost);
        ConsumptionProbe probe = result.getValue();
        BucketState state = result.getState();
        List<Limit> limits = policy.limits();
        List<LimitStatus> statuses = new ArrayList<>(limits.size());
        for (int i = 0; i < limits.size(); i++) {
            Limit limit = limits.get(i);
            long size = Math.max(0, state.getCurrentSize(i));
            long full = 0;
            if (size < limit.capacity()) {
                long periodNanos = limit.period().toNanos();
                double nanos = ((double) (limit.capacity() - size) * periodNanos - state.getRoundingError(i))
                        / limit.tokens();
                full = (long) Math.ceil(nanos);
            }
            statuses.add(new LimitStatus(limit, size, Duration.ofNanos(full)));
        }
        Duration retry;
        if (probe.isConsumed()) {
            retry = Duration.ZERO;
        } else if (probe.getNanosToWaitForRefill() == Long.MAX_VALUE) {
            retry = Decision.NEVER;
        } else {
            retry = Duration.ofNanos(probe.getNanosToWaitForRefill());
        }
        return Decision.of(probe.isConsumed(), retry, statuses, source);
    }

    @Override
    public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
        return CompletableFuture.completedFuture(tryAcquire(key, cost));
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    @Override
    public RateLimitCounters counters() {
        return counters;
    }

    /** @return buckets currently held, after removing those that have refilled */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
