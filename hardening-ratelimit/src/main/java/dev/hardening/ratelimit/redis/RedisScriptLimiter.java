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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Redis limiter: one EVALSHA per decision (EVAL once after NOSCRIPT), one key per caller, time from
 * Redis' clock. Not public API; build through {@link RedisBackend}. Thread-safe.
 */
final class RedisScriptLimiter implements RateLimiter {

    private static final LongSupplier REDIS_CLOCK = () -> -1L;

    private final RedisConnector connector;
    private final RateLimitPolicy policy;
    private final String keyPrefix;
    private final RateLimitCounters counters;
    private final LongSupplier nowMicros;
    private final long syncWaitNanos;

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
        this.syncWaitNanos = commandTimeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(50);
    }

    /**
     * @param key a caller key
     * @return the Redis key that holds its bucket
     */
    String redisKey(String key) {
        return keyPrefix + key;
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
        RedisClusterAsyncCommands<String, String> commands;
        try {
            commands = connector.commands();
        } catch (RateLimitUnavailableException e) {
            counters.recordError();
            return CompletableFuture.failedFuture(e);
        }
        String[] keys = {keyPrefix + key};
        String[] args = TokenBucketScript.arguments(policy, cost, nowMicros.getAsLong());
        CompletableFuture<Object> reply;
        try {
            reply = commands.<Object>evalsha(TokenBucketScript.SHA, ScriptOutputType.MULTI, keys, args)
                    .toCompletableFuture()
                    .exceptionallyCompose(error -> {
                        if (unwrap(error) instanceof RedisNoScriptException) {
                            return commands.<Object>eval(TokenBucketScript.SOURCE, ScriptOutputType.MULTI, keys,
                                    args).toCompletableFuture();
                        }
                        return CompletableFuture.failedFuture(error);
                    });
        } catch (RuntimeException e) {
            counters.recordError();
            return CompletableFuture.failedFuture(unavailable(e));
        }
        return reply.handle((value, error) -> {
            if (error != null) {
                counters.recordError();
                throw unavailable(error);
            }
            TokenBucketScript.Reply decoded;
            try {
                decoded = TokenBucketScript.decode(policy, value);
            } catch (RuntimeException e) {
                counters.recordError();
                throw unavailable(e);
            }
            if (decoded.repaired()) {
                counters.recordCorruptValue();
            }
            counters.record(decoded.decision());
            return decoded.decision();
        });
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
