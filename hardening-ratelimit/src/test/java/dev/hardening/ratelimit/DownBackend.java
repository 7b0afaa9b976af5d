package dev.hardening.ratelimit;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** A shared backend that is down: its limiter fails every call, as a Redis limiter does when Redis is gone. */
final class DownBackend implements SharedBackend {

    final AtomicBoolean closed = new AtomicBoolean();

    /** A limiter that cannot decide. */
    static final class FailingLimiter implements RateLimiter {
        private final RateLimitPolicy policy;
        private final RateLimitCounters counters = new RateLimitCounters();

        FailingLimiter(RateLimitPolicy policy) {
            this.policy = policy;
        }

        @Override
        public Decision tryAcquire(String key, long cost) {
            RateLimiter.checkRequest(key, cost);
            throw new RateLimitUnavailableException("down", null);
        }

        @Override
        public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
            RateLimiter.checkRequest(key, cost);
            return CompletableFuture.failedFuture(new RateLimitUnavailableException("down", null));
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

    @Override
    public RateLimiter limiter(RateLimitPolicy policy) {
        return new FailingLimiter(policy);
    }

    @Override
    public DedupStore dedupStore(String namespace, Duration ttl) {
        return DedupStore.local(ttl);
    }

    @Override
    public String description() {
        return "down backend";
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return List.of(Finding.pass("HR-X001", "test", "", "down backend", "none"));
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
