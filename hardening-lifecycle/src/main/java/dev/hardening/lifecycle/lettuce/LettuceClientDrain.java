package dev.hardening.lifecycle.lettuce;

import dev.hardening.config.Failures;
import dev.hardening.config.Checks;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import io.lettuce.core.AbstractRedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a Lettuce {@code RedisClient} or {@code RedisClusterClient} (and every connection it
 * opened) within the drain deadline: {@link AbstractRedisClient#shutdownAsync(long, long, TimeUnit)}
 * with no quiet period and the time left as the timeout, never Lettuce's unbounded defaults (2 s
 * quiet period, 15 s timeout). When the client was created with its own {@code ClientResources}
 * those are shut down too; shared resources passed in by the application are not.
 *
 * <p>All participants drain in parallel, so a client still used by in-flight requests should wait
 * for them: {@link Builder#after(DrainParticipant...)} delays the close until those participants
 * report nothing in flight (or the deadline comes).
 *
 * <pre>{@code
 * coordinator.register(LettuceClientDrain.builder(redisClient).after(httpDrain).build());
 * }</pre>
 *
 * <p>{@link #inFlight()} is unknown ({@code -1}) until the client is shut down, then 0. Force stop
 * can do nothing more than the bounded shutdown already does; it logs. Thread-safe.
 */
public final class LettuceClientDrain implements DrainParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceClientDrain.class);
    private static final long POLL_NANOS = 5_000_000L;

    private final String name;
    private final AbstractRedisClient client;
    private final List<DrainParticipant> after;
    private volatile CompletableFuture<Void> closing;

    private LettuceClientDrain(Builder b) {
        this.name = b.name;
        this.client = b.client;
        this.after = List.copyOf(b.after);
    }

    /**
     * @param client the client to close
     * @return a builder
     */
    public static Builder builder(AbstractRedisClient client) {
        return new Builder(Checks.notNull(client, "client"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean drain(Deadline deadline) throws InterruptedException {
        for (DrainParticipant p : after) {
            while (p.inFlight() > 0) {
                if (deadline.isExpired()) {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(POLL_NANOS, deadline.remainingNanos()));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
        CompletableFuture<Void> f = close(deadline.remainingNanos());
        try {
            f.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            LOG.warn("{}: client shutdown failed: {}", name, Failures.describe(e.getCause()));
            return false;
        }
    }

    private synchronized CompletableFuture<Void> close(long timeoutNanos) {
        if (closing == null) {
            closing = client.shutdownAsync(0, Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS);
        }
        return closing;
    }

    @Override
    public long inFlight() {
        CompletableFuture<Void> f = closing;
        return f != null && f.isDone() ? 0 : -1;
    }

    @Override
    public void forceStop() {
        CompletableFuture<Void> f = closing;
        if (f == null) {
            close(0);
            LOG.warn("{}: closing the client at force stop (drain did not get to it)", name);
        } else if (!f.isDone()) {
            LOG.warn("{}: client shutdown still running at force stop; its timeout ends it", name);
        }
    }

    /** Builds a {@link LettuceClientDrain}. Each option may be set once ({@code "option: already set"}
     * otherwise) and rejects {@code null}. Not thread-safe. */
    public static final class Builder {
        private final AbstractRedisClient client;
        private final List<DrainParticipant> after = new ArrayList<>();
        private String name;

        private Builder(AbstractRedisClient client) {
            this.client = client;
        }

        /**
         * @param n report name; default {@code redis}
         * @return this
         * @throws IllegalArgumentException if not 1 to 64 letters, digits, {@code . _ - :}
         * @throws IllegalStateException    if already set
         */
        public Builder name(String n) {
            name = Checks.setOnce(name, Checks.name(n, "name"), "name");
            return this;
        }

        /**
         * @param upstream participants whose in-flight work uses this client; the close waits
         *                 until each reports {@code inFlight() <= 0}. Default: none
         * @return this
         * @throws IllegalArgumentException if none is given
         * @throws IllegalStateException    if already set
         */
        public Builder after(DrainParticipant... upstream) {
            if (!after.isEmpty()) {
                throw new IllegalStateException("after: already set");
            }
            if (upstream.length == 0) {
                throw new IllegalArgumentException("after: no participants (expected: at least one)");
            }
            for (DrainParticipant p : upstream) {
                after.add(Checks.notNull(p, "after"));
            }
            return this;
        }

        /** @return the drain participant */
        public LettuceClientDrain build() {
            if (name == null) {
                name = "redis";
            }
            return new LettuceClientDrain(this);
        }
    }
}
