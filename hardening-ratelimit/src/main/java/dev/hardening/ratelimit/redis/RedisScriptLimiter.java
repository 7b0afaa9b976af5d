package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Redis limiter: one EVALSHA per script call (EVAL once after NOSCRIPT), one key per caller, time from
 * Redis' clock. Not public API; build through {@link RedisBackend}. Thread-safe.
 *
 * <p>Hot keys are coalesced: at most one script call per caller key is in flight from this limiter.
 * A decision for a key with no call in flight is sent at once, alone (no batching delay); decisions
 * for that key arriving while a call is in flight wait in the key's lane and go together, up to
 * {@link #MAX_BATCH}, in the next call, which the reply of the previous one starts. The script takes
 * the batch's costs in arrival order at one instant and returns each caller's own decision, exactly
 * what separate calls at that instant would return. A lane exists only while a call is in flight;
 * beyond {@link #MAX_LANES} keys in flight, or a full batch, a decision is sent alone, uncoalesced
 * (still exact: every script call is atomic in Redis).
 */
final class RedisScriptLimiter implements RateLimiter {

    /** Most decisions combined into one script call. */
    static final int MAX_BATCH = 128;
    /** Most caller keys with a call in flight that get a lane (bounds the lane map). */
    static final int MAX_LANES = 10_000;

    private static final LongSupplier REDIS_CLOCK = () -> -1L;

    private final RedisConnector connector;
    private final RateLimitPolicy policy;
    private final String keyPrefix;
    private final RateLimitCounters counters;
    private final LongSupplier nowMicros;
    private final String[] policyArguments;
    private final long syncWaitNanos;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final LongAdder scriptCalls = new LongAdder();

    /**
     * @param connector      the connection
     * @param policy         the policy
     * @param keyPrefix      namespace prefix for keys
     * @param counters       counters to update
     * @param commandTimeout the connection's command timeout (bounds synchronous waits)
     */
    RedisScriptLimiter(RedisConnector connector, RateLimitPolicy policy, String keyPrefix,
                              RateLimitCounters counters, Duration commandTimeout) {
        this(connector, policy, keyPrefix, counters, commandTimeout, REDIS_CLOCK);
    }

    /**
     * For tests only: a limiter whose script uses the supplied time (microseconds) instead of Redis'
     * clock, so a differential test can replay a timeline.
     *
     * @param connector      the connection
     * @param policy         the policy
     * @param keyPrefix      namespace prefix
     * @param counters       counters
     * @param commandTimeout command timeout
     * @param nowMicros      supplies the time in microseconds
     */
    RedisScriptLimiter(RedisConnector connector, RateLimitPolicy policy, String keyPrefix,
                              RateLimitCounters counters, Duration commandTimeout, LongSupplier nowMicros) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix") + policy.fingerprint() + ":";
        this.counters = Objects.requireNonNull(counters, "counters");
        this.nowMicros = Objects.requireNonNull(nowMicros, "nowMicros");
        this.policyArguments = TokenBucketScript.policyArguments(policy);
        this.syncWaitNanos = commandTimeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(50);
    }

    /**
     * @param key a caller key
     * @return the Redis key that holds its bucket
     */
    String redisKey(String key) {
        return keyPrefix + key;
    }

    /** @return script calls sent so far (for tests: coalescing makes this fall below the decisions) */
    long scriptCalls() {
        return scriptCalls.sum();
    }

    /**
     * @param key a caller key
     * @return decisions waiting for the key's next script call (0 when none is in flight)
     */
    int waiting(String key) {
        int[] n = new int[1];
        lanes.computeIfPresent(key, (k, l) -> {
            n[0] = l.pending.size();
            return l;
        });
        return n[0];
    }

    /** @return caller keys that have a script call in flight (a bounded map that empties when idle) */
    int lanesInFlight() {
        return lanes.size();
    }

    /**
     * For tests: sends these decisions for one key together in one script call, outside any lane, as a
     * coalesced batch is sent.
     *
     * @param key   a caller key
     * @param costs the decisions' costs, in order
     * @return each decision, in order
     */
    List<CompletableFuture<Decision>> tryAcquireTogether(String key, long... costs) {
        List<Waiter> batch = new ArrayList<>();
        List<CompletableFuture<Decision>> out = new ArrayList<>();
        for (long cost : costs) {
            RateLimiter.checkRequest(key, cost);
            Waiter w = new Waiter(cost);
            batch.add(w);
            out.add(w.future);
        }
        send(key, batch).whenComplete((value, error) -> settle(batch, value, error));
        return out;
    }

    @Override
    public Decision tryAcquire(String key, long cost) {
        CompletableFuture<Decision> f = tryAcquireAsync(key, cost).toCompletableFuture();
        try {
            return f.get(syncWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RateLimitUnavailableException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        } catch (TimeoutException e) {
            counters.recordError();
            throw new RateLimitUnavailableException("Redis decision timed out", e);
        }
    }

    @Override
    public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
        RateLimiter.checkRequest(key, cost);
        Waiter w = new Waiter(cost);
        lanes.compute(key, (k, lane) -> {
            if (lane == null) {
                if (lanes.size() >= MAX_LANES) {
                    w.route = Route.ALONE;
                    return null;
                }
                w.route = Route.LEAD;
                return new Lane();
            }
            if (lane.pending.size() < MAX_BATCH) {
                lane.pending.add(w);
                w.route = Route.QUEUED;
            } else {
                w.route = Route.ALONE;
            }
            return lane;
        });
        if (w.route == Route.LEAD) {
            drive(key, List.of(w), null);
        } else if (w.route == Route.ALONE) {
            List<Waiter> alone = List.of(w);
            send(key, alone).whenComplete((value, error) -> settle(alone, value, error));
        }
        return w.future;
    }

    /**
     * Sends {@code batch}, then settles {@code previous} (a batch whose reply started this one), and keeps
     * the key's lane going: each reply starts the next batch before its own callers are answered. Loops
     * rather than recursing when a call fails at once (Redis disconnected).
     */
    private void drive(String key, List<Waiter> batch, Settlement previous) {
        List<Waiter> current = batch;
        Settlement done = previous;
        while (current != null) {
            CompletableFuture<Object> reply = send(key, current);
            if (done != null) {
                done.deliver();
                done = null;
            }
            if (!reply.isDone()) {
                List<Waiter> sent = current;
                reply.whenComplete((value, error) -> drive(key, takeNext(key), new Settlement(sent, value, error)));
                return;
            }
            Object value = null;
            Throwable error = null;
            try {
                value = reply.getNow(null);
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            done = new Settlement(current, value, error);
            current = takeNext(key);
        }
        if (done != null) {
            done.deliver();
        }
    }

    /** @return the key's waiting decisions as the next batch, or null (and the lane removed) if none */
    private List<Waiter> takeNext(String key) {
        Handoff handoff = new Handoff();
        lanes.computeIfPresent(key, (k, lane) -> {
            if (lane.pending.isEmpty()) {
                return null;
            }
            handoff.batch = lane.pending;
            lane.pending = new ArrayList<>();
            return lane;
        });
        return handoff.batch;
    }

    /** Carries a batch out of the lane map's compute. */
    private static final class Handoff {
        List<Waiter> batch;
    }

    /** One script call for {@code batch}; never throws (a failure is a failed future). */
    private CompletableFuture<Object> send(String key, List<Waiter> batch) {
        try {
            RedisClusterAsyncCommands<String, String> commands = connector.commands();
            long[] costs = new long[batch.size()];
            for (int i = 0; i < costs.length; i++) {
                costs[i] = batch.get(i).cost;
            }
            String[] keys = {keyPrefix + key};
            String[] args = TokenBucketScript.arguments(policyArguments, costs, nowMicros.getAsLong());
            scriptCalls.increment();
            return commands.<Object>evalsha(TokenBucketScript.SHA, ScriptOutputType.MULTI, keys, args)
                    .toCompletableFuture()
                    .exceptionallyCompose(error -> {
                        if (unwrap(error) instanceof RedisNoScriptException) {
                            return commands.<Object>eval(TokenBucketScript.SOURCE, ScriptOutputType.MULTI, keys,
                                    args).toCompletableFuture();
                        }
                        return CompletableFuture.failedFuture(error);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Answers every caller of {@code batch} from one reply; never throws. */
    private void settle(List<Waiter> batch, Object value, Throwable error) {
        TokenBucketScript.Reply decoded = null;
        Throwable failure = error;
        if (failure == null) {
            try {
                decoded = TokenBucketScript.decode(policy, batch.size(), value);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (decoded == null) {
            RateLimitUnavailableException e = unavailable(failure);
            for (Waiter w : batch) {
                counters.recordError();
                w.future.completeExceptionally(e);
            }
            return;
        }
        if (decoded.repaired()) {
            counters.recordCorruptValue();
        }
        List<Decision> decisions = decoded.decisions();
        for (int i = 0; i < batch.size(); i++) {
            Decision d = decisions.get(i);
            counters.record(d);
            batch.get(i).future.complete(d);
        }
    }

    /** How a decision reaches Redis. */
    private enum Route {
        /** first for its key: sent at once, and its reply starts the lane's next batch */
        LEAD,
        /** waits in the key's lane for the next batch */
        QUEUED,
        /** sent at once on its own, outside any lane */
        ALONE
    }

    /** One caller's decision request. */
    private static final class Waiter {
        final long cost;
        final CompletableFuture<Decision> future = new CompletableFuture<>();
        /** written inside the lane map's compute, read after it by the same thread */
        Route route;

        Waiter(long cost) {
            this.cost = cost;
        }
    }

    /** A key with a script call in flight; {@code pending} is guarded by the lane map's bin lock. */
    private static final class Lane {
        List<Waiter> pending = new ArrayList<>();
    }

    /** A reply not yet handed to its callers. */
    private final class Settlement {
        private final List<Waiter> batch;
        private final Object value;
        private final Throwable error;

        Settlement(List<Waiter> batch, Object value, Throwable error) {
            this.batch = batch;
            this.value = value;
            this.error = error;
        }

        void deliver() {
            settle(batch, value, error);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static RateLimitUnavailableException unavailable(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof RateLimitUnavailableException) {
            return (RateLimitUnavailableException) e;
        }
        return new RateLimitUnavailableException("Redis rate limit decision failed: " + e.getClass().getSimpleName(), e);
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    @Override
    public RateLimitCounters counters() {
        return counters;
    }
}
