package dev.hardening.ratelimit.internal;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.Limit;
import dev.hardening.ratelimit.LimitStatus;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.Ticker;
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

/**
 * Bucket4j local buckets, one per key, in a {@link BoundedLruMap}. Not public API; build through
 * {@code LocalRateLimiter}. Thread-safe.
 */
public final class LocalBucketLimiter implements RateLimiter {

    private final RateLimitPolicy policy;
    private final BoundedLruMap<String, Bucket> buckets;
    private final TimeMeter timeMeter;
    private final RateLimitCounters counters;
    private final DecisionSource source;

    /**
     * @param policy     the policy
     * @param maxKeys    most buckets held
     * @param idleExpiry idle time after which a bucket is dropped
     * @param ticker     time source
     * @param counters   counters to update
     * @param source     the source to report on decisions
     */
    public LocalBucketLimiter(RateLimitPolicy policy, int maxKeys, Duration idleExpiry, Ticker ticker,
                              RateLimitCounters counters, DecisionSource source) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.source = Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ticker, "ticker");
        this.buckets = new BoundedLruMap<>(maxKeys, idleExpiry.toNanos(), ticker);
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /**
     * @param policy    the policy
     * @param timeMeter the time source
     * @return a Bucket4j local bucket with the policy's limits as greedy bandwidths
     */
    public static Bucket newBucket(RateLimitPolicy policy, TimeMeter timeMeter) {
        LocalBucketBuilder builder = Bucket.builder();
        for (Limit limit : policy.limits()) {
            builder.addLimit(Bandwidth.builder().capacity(limit.capacity())
                    .refillGreedy(limit.tokens(), limit.period()).build());
        }
        return builder.withCustomTimePrecision(timeMeter).build();
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        RateLimiter.checkRequest(key, cost);
        Bucket bucket = buckets.getOrCreate(key, k -> newBucket(policy, timeMeter));
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
        Decision decision = Decision.of(probe.isConsumed(), retry, statuses, source);
        counters.record(decision);
        return decision;
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

    /** @return buckets currently held */
    public int size() {
        return buckets.size();
    }
}
