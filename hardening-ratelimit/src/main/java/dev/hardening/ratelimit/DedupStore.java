package dev.hardening.ratelimit;

import dev.hardening.ratelimit.internal.DedupStores;
import java.time.Duration;
import java.util.Objects;

/**
 * First-seen detection with a time to live, for webhook deliveries ({@code X-GitHub-Delivery}),
 * idempotency keys and similar: {@link #markIfFirst(String)} answers {@code true} exactly once per id
 * within the TTL across every replica sharing the Redis, using {@code SET key 1 NX PX ttl}.
 *
 * <p>The Redis store falls back to a bounded local store (and always writes through to it) when Redis
 * cannot answer within its command timeout, so an outage never blocks or fails a delivery; during an
 * outage duplicates are only caught per replica. Ids are non-empty, at most 512 characters (longer ones
 * are rejected: hash them). Implementations are thread-safe.
 */
public interface DedupStore {

    /** Default time an id is remembered: 24 hours (GitHub redelivers within that window). */
    Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Default most ids the local store holds. */
    int DEFAULT_LOCAL_MAX_ENTRIES = 100_000;

    /**
     * Marks an id as seen.
     *
     * @param id the delivery or idempotency id
     * @return {@code true} if the id was not seen within the TTL (process it), {@code false} for a duplicate
     * @throws IllegalArgumentException for an empty or overlong id
     */
    boolean markIfFirst(String id);

    /**
     * Forgets an id, so a delivery whose processing failed can be retried by the sender.
     *
     * @param id the id
     * @throws IllegalArgumentException for an empty or overlong id
     */
    void forget(String id);

    /** @return how long an id is remembered */
    Duration ttl();

    /**
     * @param ttl        how long ids are remembered, 1 s..30 days
     * @param maxEntries most ids held (least recently marked dropped first)
     * @param ticker     time source
     * @return an in-memory store (one process only)
     */
    static DedupStore local(Duration ttl, int maxEntries, Ticker ticker) {
        return DedupStores.local(checkTtl(ttl), maxEntries, Objects.requireNonNull(ticker, "ticker"));
    }

    /**
     * @param backend   the Redis connection
     * @param namespace key namespace such as {@code github}, 1..64 characters without whitespace or ':'
     * @param ttl       how long ids are remembered, 1 s..30 days
     * @return a Redis store with a bounded local fallback of {@value #DEFAULT_LOCAL_MAX_ENTRIES} ids
     */
    static DedupStore redis(RedisBackend backend, String namespace, Duration ttl) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.length() > 64 || namespace.indexOf(':') >= 0
                || namespace.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("namespace: '" + namespace
                    + "' (expected: 1..64 characters without whitespace or ':')");
        }
        Duration t = checkTtl(ttl);
        return DedupStores.redis(backend.connector(), "dedup:" + namespace + ":", t,
                DedupStores.local(t, DEFAULT_LOCAL_MAX_ENTRIES, Ticker.system()), backend.commandTimeout());
    }

    private static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: PT1S .. P30D)");
        }
        return ttl;
    }
}
