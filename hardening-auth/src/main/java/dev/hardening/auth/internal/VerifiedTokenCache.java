package dev.hardening.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenCache;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.TimeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Remembers tokens that passed every check, keyed by the SHA-256 digest of their exact characters
 * (the token itself is never stored), so that the same token presented again skips parsing and
 * the signature. The rules are those of {@link TokenCache}: only verified tokens are admitted (by
 * {@link #admit}); a hit re-checks the time claims, that the issuer's policy is the one the token
 * was verified under, and that the key that verified it is still published; any failure drops the
 * entry and reports a miss, so the caller verifies in full and rejects exactly as without a cache.
 * Size-bounded by Caffeine; an entry also expires by itself at its token's {@code exp} plus the
 * issuer's clock skew. Thread-safe.
 */
final class VerifiedTokenCache {

    /** Why an entry was dropped on a hit. */
    enum Drop {
        /** {@code exp}, {@code nbf} or {@code iat} no longer holds. */
        TIME,
        /** The key that verified the token left the issuer's key set. */
        KEY_GONE,
        /** The issuer's policy is not the one the token was verified under (or the issuer is gone). */
        POLICY_CHANGED
    }

    /** The SHA-256 digest of a token's characters, as four longs. */
    record Digest(long a, long b, long c, long d) {
    }

    private static final class Entry {
        final VerifiedToken token;
        final IssuerPolicy policy;
        final KeyProvider keys;
        /** The key that verified the token; replaced by an equal key of a refreshed set. */
        volatile VerificationKey key;

        Entry(VerifiedToken token, IssuerPolicy policy, KeyProvider keys, VerificationKey key) {
            this.token = token;
            this.policy = policy;
            this.keys = keys;
            this.key = key;
        }
    }

    /** A digest and a buffer per thread: the hot path allocates only the key. */
    private static final class Hasher {
        final MessageDigest sha256;
        final byte[] buffer = new byte[512];

        Hasher() {
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
        }
    }

    private static final ThreadLocal<Hasher> HASHERS = ThreadLocal.withInitial(Hasher::new);

    private final Cache<Digest, Entry> cache;
    private final TimeSource time;
    private final Function<String, IssuerPolicy> currentPolicy;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder droppedTime = new LongAdder();
    private final LongAdder droppedKeyGone = new LongAdder();
    private final LongAdder droppedPolicy = new LongAdder();

    /**
     * @param maximumSize   the bound on entries, at least 1
     * @param time          the verifier's time source (wall clock for token times, monotonic for expiry)
     * @param currentPolicy the policy the verifier applies now to an issuer, or null for an issuer it no longer trusts
     */
    VerifiedTokenCache(int maximumSize, TimeSource time, Function<String, IssuerPolicy> currentPolicy) {
        this.time = Objects.requireNonNull(time);
        this.currentPolicy = Objects.requireNonNull(currentPolicy);
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new Expiry<Digest, Entry>() {
                    @Override
                    public long expireAfterCreate(Digest key, Entry value, long currentTime) {
                        return untilExpiry(value);
                    }

                    @Override
                    public long expireAfterUpdate(Digest key, Entry value, long currentTime, long currentDuration) {
                        return untilExpiry(value);
                    }

                    @Override
                    public long expireAfterRead(Digest key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .build();
    }

    /**
     * @param token         the token as presented
     * @param maxTokenBytes the verifier's size cap
     * @return the digest of the token's characters, or null when the token is never cached: empty or
     *         over the size cap. A character outside ASCII is hashed as {@code '?'} (a {@link String}) or
     *         makes the result null (another {@link CharSequence}): either way no cached token, which
     *         holds only base64url characters and dots, can match it. Never the low byte alone, which
     *         would let a different text share a cached token's digest
     */
    static Digest digest(CharSequence token, int maxTokenBytes) {
        int n = token.length();
        if (n == 0 || n > maxTokenBytes) {
            return null;
        }
        Hasher h = HASHERS.get();
        MessageDigest md = h.sha256;
        byte[] buf = h.buffer;
        if (token instanceof String) {
            // One bulk copy. Every character outside ASCII becomes '?', which no verified token holds
            // (only base64url and '.'), so such a text can never share a digest with a cached token.
            md.update(((String) token).getBytes(StandardCharsets.US_ASCII));
        } else {
            int filled = 0;
            for (int i = 0; i < n; i++) {
                char c = token.charAt(i);
                if (c > 0x7F) {
                    md.reset();
                    return null;
                }
                buf[filled++] = (byte) c;
                if (filled == buf.length) {
                    md.update(buf, 0, filled);
                    filled = 0;
                }
            }
            md.update(buf, 0, filled);
        }
        try {
            md.digest(buf, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest into a 512-byte buffer", e);
        }
        return new Digest(readLong(buf, 0), readLong(buf, 8), readLong(buf, 16), readLong(buf, 24));
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /**
     * @param digest the token's digest
     * @return the verified token when the entry is present and every hit rule still holds; null
     *         otherwise (a stale entry is dropped)
     * @throws dev.hardening.auth.KeysUnavailableException when the issuer's keys cannot be obtained,
     *                                                     as for a first verification
     */
    VerifiedToken lookup(Digest digest) {
        Entry e = cache.getIfPresent(digest);
        if (e == null) {
            misses.increment();
            return null;
        }
        if (currentPolicy.apply(e.token.issuer()) != e.policy) {
            return drop(digest, e, Drop.POLICY_CHANGED);
        }
        if (!inTime(e.token, e.policy.clockSkew(), time.now())) {
            return drop(digest, e, Drop.TIME);
        }
        VerificationKey was = e.key;
        VerificationKey now = e.keys.stillPublished(was);
        if (now == null) {
            return drop(digest, e, Drop.KEY_GONE);
        }
        if (now != was) {
            e.key = now;
        }
        hits.increment();
        return e.token;
    }

    /**
     * Remembers a token that passed every check.
     *
     * @param digest the token's digest
     * @param token  the verified token
     * @param policy the issuer policy it was verified under
     * @param keys   the issuer's key provider
     * @param key    the key whose signature verified
     */
    void admit(Digest digest, VerifiedToken token, IssuerPolicy policy, KeyProvider keys, VerificationKey key) {
        cache.put(digest, new Entry(token, policy, keys, key));
        admitted.increment();
    }

    /** @return the counters and the number of entries */
    TokenCacheStats stats() {
        cache.cleanUp();
        return new TokenCacheStats(hits.sum(), misses.sum(), admitted.sum(), droppedTime.sum(), droppedKeyGone.sum(),
                droppedPolicy.sum(), cache.estimatedSize());
    }

    private VerifiedToken drop(Digest digest, Entry e, Drop why) {
        cache.asMap().remove(digest, e);
        switch (why) {
            case TIME:
                droppedTime.increment();
                break;
            case KEY_GONE:
                droppedKeyGone.increment();
                break;
            default:
                droppedPolicy.increment();
        }
        misses.increment();
        return null;
    }

    /** The same time rules as a first verification: exp (exclusive), iat and nbf, with the skew. */
    private static boolean inTime(VerifiedToken t, Duration skew, Instant now) {
        if (!now.minus(skew).isBefore(t.expiresAt())) {
            return false;
        }
        Instant latest = now.plus(skew);
        if (t.issuedAt().isAfter(latest)) {
            return false;
        }
        Instant nbf = t.notBefore().orElse(null);
        return nbf == null || !nbf.isAfter(latest);
    }

    private long untilExpiry(Entry e) {
        try {
            long nanos = Duration.between(time.now(), e.token.expiresAt().plus(e.policy.clockSkew())).toNanos();
            return Math.max(0, nanos);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
