package dev.hardening.ratelimit;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.internal.DedupIds;
import dev.hardening.ratelimit.internal.LocalDedupStore;
import java.time.Duration;

/**
 * First-seen detection with a time to live, for webhook deliveries ({@code X-GitHub-Delivery}),
 * idempotency keys and similar: {@link #markIfFirst(String)} answers {@code true} exactly once per id
 * within the TTL.
 *
 * <p>Two kinds, both bounded and both saying their bound ({@link #ttl()}, {@link #localCapacity()}):
 * <ul>
 *   <li>{@link #local(Duration)}: this process only, at most {@link #localCapacity()} ids (default
 *       {@value #DEFAULT_LOCAL_CAPACITY}) for the TTL; when full, Caffeine's size eviction drops ids
 *       early, so a flood of more distinct ids than that within the TTL can let an old duplicate
 *       through. {@link RateLimiting}'s startup check reports this bound (finding {@code HR-D001}).</li>
 *   <li>A {@link SharedBackend}'s store ({@code SET key 1 NX PX ttl} in Redis): holds across replicas,
 *       each id bounded by the TTL; it writes through to a local store of the same kind and falls back
 *       to it while Redis cannot answer, so an outage never blocks or fails a delivery.</li>
 * </ul>
 * Ids are non-empty, at most {@value #MAX_ID_LENGTH} characters (longer ones are rejected: hash them).
 * Implementations are thread-safe.
 */
public interface DedupStore {

    /** Default time an id is remembered: 24 hours (GitHub redelivers within that window). */
    Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Default most ids a local store holds. */
    int DEFAULT_LOCAL_CAPACITY = 100_000;
    /** Largest accepted local capacity. */
    int MAX_LOCAL_CAPACITY = 10_000_000;
    /** Longest id accepted, in characters. */
    int MAX_ID_LENGTH = 512;
    /** Shortest accepted TTL. */
    Duration MIN_TTL = Duration.ofSeconds(1);
    /** Longest accepted TTL. */
    Duration MAX_TTL = Duration.ofDays(30);

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
     * @return most ids this process holds in memory: the whole store for a local store, the outage
     *     fallback (and write-through copy) for a shared store
     */
    int localCapacity();

    /**
     * @param ttl how long ids are remembered, 1 s to 30 days
     * @return an in-memory store of at most {@value #DEFAULT_LOCAL_CAPACITY} ids, on the system time source
     * @throws IllegalArgumentException if {@code ttl} is out of range
     */
    static DedupStore local(Duration ttl) {
        return local(ttl, DEFAULT_LOCAL_CAPACITY, TimeSource.system());
    }

    /**
     * @param ttl      how long ids are remembered, 1 s to 30 days
     * @param capacity most ids held, 1 to {@value #MAX_LOCAL_CAPACITY}
     * @param time     the time ids expire by
     * @return an in-memory store (one process only)
     * @throws IllegalArgumentException if {@code ttl} or {@code capacity} is out of range
     * @throws NullPointerException     if an argument is null
     */
    static DedupStore local(Duration ttl, int capacity, TimeSource time) {
        Checks.inRange(capacity, 1, MAX_LOCAL_CAPACITY, "capacity");
        return new LocalDedupStore(DedupIds.checkTtl(ttl), capacity, Checks.notNull(time, "time"));
    }
}
