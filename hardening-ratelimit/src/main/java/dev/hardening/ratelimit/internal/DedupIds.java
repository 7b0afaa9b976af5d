package dev.hardening.ratelimit.internal;

import dev.hardening.config.Checks;
import dev.hardening.ratelimit.DedupStore;
import java.time.Duration;

/**
 * Argument checks shared by the dedup stores (local here, Redis in {@code ...ratelimit.redis}). Not
 * public API. Stateless and thread-safe.
 */
public final class DedupIds {

    private DedupIds() {
    }

    /**
     * @param id a delivery or idempotency id
     * @throws IllegalArgumentException if empty or longer than {@value DedupStore#MAX_ID_LENGTH}
     */
    public static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id: empty (expected: a delivery or idempotency id)");
        }
        if (id.length() > DedupStore.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("id: " + id.length() + " characters (expected: <= "
                    + DedupStore.MAX_ID_LENGTH + "; hash long ids)");
        }
    }

    /**
     * @param ttl a TTL
     * @return {@code ttl}
     * @throws IllegalArgumentException if outside 1 s to 30 days
     */
    public static Duration checkTtl(Duration ttl) {
        Checks.notNull(ttl, "ttl");
        if (ttl.compareTo(DedupStore.MIN_TTL) < 0 || ttl.compareTo(DedupStore.MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: PT1S to P30D)");
        }
        return ttl;
    }

    /**
     * @param namespace a dedup key namespace
     * @return {@code namespace}
     * @throws IllegalArgumentException unless 1 to 64 letters, digits, {@code . _ -}
     */
    public static String checkNamespace(String namespace) {
        Checks.name(namespace, "namespace");
        if (namespace.indexOf(':') >= 0) {
            throw new IllegalArgumentException("namespace: '" + namespace + "' (expected: no ':')");
        }
        return namespace;
    }
}
