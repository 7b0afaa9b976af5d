package dev.hardening.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import java.time.Duration;

/**
 * Remembers DPoP proof ids ({@code jti}) so that a proof is accepted once (RFC 9449 §11.1). A
 * single-method interface so that any first-seen store fits, for example a store shared by every
 * replica through Redis: {@code DpopReplayCheck replay = dedupStore::markIfFirst}.
 *
 * <p>The verifier passes ids of at most {@value #MAX_ID_LENGTH} characters (a hash of the proof
 * key's thumbprint and the {@code jti}, prefixed {@code dpop:}), never the raw {@code jti}. The store
 * must remember each id at least {@link DpopPolicy#replayTtl()} (twice the proof window), since a
 * proof stays acceptable that long. Implementations must be thread-safe; an exception thrown by
 * {@link #markIfFirst} refuses the request (fail closed, reason {@code dpop_proof_replayed}).
 */
@FunctionalInterface
public interface DpopReplayCheck {

    /** Length of every id the verifier passes: {@code dpop:} and 43 base64url characters. */
    int MAX_ID_LENGTH = 48;
    /** Default capacity of {@link #local(Duration, int, TimeSource)} used by a verifier with no check configured. */
    int DEFAULT_LOCAL_CAPACITY = 100_000;
    /** Largest capacity {@link #local(Duration, int, TimeSource)} accepts. */
    int MAX_LOCAL_CAPACITY = 10_000_000;

    /**
     * @param id the proof's id (at most {@value #MAX_ID_LENGTH} characters)
     * @return {@code true} the first time an id is seen within the store's TTL, {@code false} for a replay
     */
    boolean markIfFirst(String id);

    /**
     * A store in this process only, bounded by Caffeine: at most {@code capacity} ids, each kept for
     * {@code ttl}. When more distinct proofs than that arrive within the TTL, the oldest ids are
     * evicted early and a replay of one of them would pass: size it above the peak proof rate times
     * the TTL, or share a store across replicas. Thread-safe.
     *
     * @param ttl      how long an id is remembered, 1 s to 1 h
     * @param capacity most ids held, 1 to {@value #MAX_LOCAL_CAPACITY}
     * @param time     the time ids expire by
     * @return the store
     * @throws IllegalArgumentException if {@code ttl} or {@code capacity} is out of range
     * @throws NullPointerException     if an argument is null
     */
    static DpopReplayCheck local(Duration ttl, int capacity, TimeSource time) {
        Checks.notNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: PT1S to PT1H)");
        }
        Checks.inRange(capacity, 1, MAX_LOCAL_CAPACITY, "capacity");
        TimeSource clock = Checks.notNull(time, "time");
        Cache<String, Boolean> seen = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterWrite(ttl)
                .ticker(clock::nanoTime)
                .build();
        return id -> {
            boolean[] first = {false};
            seen.asMap().computeIfAbsent(id, k -> {
                first[0] = true;
                return Boolean.TRUE;
            });
            return first[0];
        };
    }
}
