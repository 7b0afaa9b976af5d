package dev.hardening.auth.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one issuer's usable keys, with when it was fetched (wall clock for
 * reports, monotonic reading for expiry) and how long it may be cached.
 */
record KeySet(List<VerificationKey> keys, Map<String, List<VerificationKey>> byKid, Instant fetchedAt,
              long fetchedNanos, Duration ttl) {

    static KeySet of(List<VerificationKey> keys, Instant fetchedAt, long fetchedNanos, Duration ttl) {
        Map<String, List<VerificationKey>> byKid = new HashMap<>();
        for (VerificationKey k : keys) {
            if (k.kid() != null) {
                byKid.computeIfAbsent(k.kid(), x -> new ArrayList<>()).add(k);
            }
        }
        byKid.replaceAll((k, v) -> List.copyOf(v));
        return new KeySet(List.copyOf(keys), Collections.unmodifiableMap(byKid), fetchedAt, fetchedNanos, ttl);
    }

    /** @return this set's key equal to {@code key} (the same object first), or null when it has none */
    VerificationKey find(VerificationKey key) {
        List<VerificationKey> same = key.kid() == null ? keys : byKid.get(key.kid());
        if (same == null) {
            return null;
        }
        for (VerificationKey k : same) {
            if (k == key) {
                return k;
            }
        }
        for (VerificationKey k : same) {
            if (k.sameKey(key)) {
                return k;
            }
        }
        return null;
    }

    /** @return nanoseconds since the fetch, by the monotonic reading {@code nowNanos} */
    long ageNanos(long nowNanos) {
        return nowNanos - fetchedNanos;
    }

    /** @return whether the cache lifetime has passed */
    boolean expired(long nowNanos) {
        return ageNanos(nowNanos) >= ttl.toNanos();
    }

    /** @return whether 75 % of the cache lifetime has passed (time to refresh in the background) */
    boolean dueForRefresh(long nowNanos) {
        return ageNanos(nowNanos) >= ttl.toNanos() / 4 * 3;
    }

    /** @return whether the keys may still be served: before expiry plus the outage tolerance */
    boolean usable(long nowNanos, Duration outageTolerance) {
        return ageNanos(nowNanos) < ttl.plus(outageTolerance).toNanos();
    }

    /** @return the wall-clock expiry, for messages */
    Instant expiresAt() {
        return fetchedAt.plus(ttl);
    }
}
