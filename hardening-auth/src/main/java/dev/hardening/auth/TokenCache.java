package dev.hardening.auth;

import dev.hardening.config.Checks;

/**
 * Whether and how much a {@link TokenVerifier} remembers tokens it has already verified, so that
 * the same token presented again skips parsing and the signature check. Immutable and
 * thread-safe; {@link #defaults()} (on, {@link #DEFAULT_MAXIMUM_SIZE} tokens) is what a verifier
 * uses when none is given, {@link #disabled()} turns it off.
 *
 * <p>What the cache keeps and when it lets go (the verifier enforces every rule):
 * <ul>
 *   <li>the key is the SHA-256 digest of the token's exact characters, never the token itself; a
 *       token with a character outside ASCII, or longer than the verifier's size cap, is never
 *       looked up;</li>
 *   <li>only tokens that passed every check are admitted, so a flood of distinct invalid tokens
 *       neither grows it nor evicts a valid entry;</li>
 *   <li>on every hit {@code exp}, {@code nbf} and {@code iat} are checked again against the
 *       verifier's time source with the issuer's clock skew;</li>
 *   <li>on every hit the key that verified the token must still be in the issuer's current key set
 *       (a rotation or revocation drops the entry), the issuer's keys must still be obtainable as
 *       for a first verification, and the issuer's policy must be the one the token was verified
 *       under;</li>
 *   <li>an entry is dropped when any of these fails, and the token then gets a full verification,
 *       so a cached token is rejected exactly as an uncached one would be;</li>
 *   <li>DPoP proofs are never cached: only the access token's verification is reused, the proof is
 *       checked on every request; ID token verification with a nonce is never cached;</li>
 *   <li>size-bounded by Caffeine (frequency-aware eviction) and each entry expires by itself when
 *       its token expires (plus the clock skew).</li>
 * </ul>
 */
public final class TokenCache {

    /** Default number of verified tokens remembered: 10,000. */
    public static final int DEFAULT_MAXIMUM_SIZE = 10_000;
    /** Largest {@link #bounded(int)} accepts: 1,000,000. */
    public static final int MAX_MAXIMUM_SIZE = 1_000_000;

    private static final TokenCache DEFAULTS = new TokenCache(DEFAULT_MAXIMUM_SIZE);
    private static final TokenCache DISABLED = new TokenCache(0);

    private final int maximumSize;

    private TokenCache(int maximumSize) {
        this.maximumSize = maximumSize;
    }

    /** @return the cache on, with {@link #DEFAULT_MAXIMUM_SIZE} entries */
    public static TokenCache defaults() {
        return DEFAULTS;
    }

    /** @return no cache: every presentation of a token is verified in full */
    public static TokenCache disabled() {
        return DISABLED;
    }

    /**
     * @param maximumSize the number of verified tokens remembered, 1 to {@link #MAX_MAXIMUM_SIZE}
     * @return the cache on, with that bound
     * @throws IllegalArgumentException if out of range ({@code "maximumSize: 0 (expected: 1 to 1000000)"})
     */
    public static TokenCache bounded(int maximumSize) {
        Checks.inRange(maximumSize, 1, MAX_MAXIMUM_SIZE, "maximumSize");
        return new TokenCache(maximumSize);
    }

    /** @return whether verified tokens are remembered */
    public boolean enabled() {
        return maximumSize > 0;
    }

    /** @return the bound on remembered tokens; 0 when {@link #disabled()} */
    public int maximumSize() {
        return maximumSize;
    }

    @Override
    public String toString() {
        return enabled() ? "TokenCache[maximumSize=" + maximumSize + "]" : "TokenCache[disabled]";
    }

    /**
     * What a verifier's cache did since the verifier was built, for meters and diagnostics
     * ({@link TokenVerifier#cacheStats()}). Counts only; never a token or a digest. Immutable.
     *
     * @param hits                 presentations answered from the cache (time claims, policy and key still checked)
     * @param misses               presentations verified in full
     * @param admitted             tokens remembered after a full verification
     * @param droppedTime          entries dropped because {@code exp}, {@code nbf} or {@code iat} no longer held
     * @param droppedKeyGone       entries dropped because their key left the issuer's key set
     * @param droppedPolicyChanged entries dropped because the issuer's policy changed
     * @param size                 entries held now
     */
    public record Stats(long hits, long misses, long admitted, long droppedTime, long droppedKeyGone,
                        long droppedPolicyChanged, long size) {
    }
}
