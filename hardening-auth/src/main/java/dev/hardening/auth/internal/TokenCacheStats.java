package dev.hardening.auth.internal;

/**
 * Counters of a verifier's verified-token cache since it was built, and the entries it holds
 * (after pending evictions). For this module's tests and diagnostics; not an API. Immutable.
 *
 * @param hits                 lookups answered from the cache
 * @param misses               lookups not answered (absent, or dropped on the hit)
 * @param admitted             tokens remembered after a full verification
 * @param droppedTime          entries dropped because {@code exp}, {@code nbf} or {@code iat} no longer held
 * @param droppedKeyGone       entries dropped because their key left the issuer's key set
 * @param droppedPolicyChanged entries dropped because the issuer's policy was not the one they were verified under
 * @param size                 entries held
 */
public record TokenCacheStats(long hits, long misses, long admitted, long droppedTime, long droppedKeyGone,
                              long droppedPolicyChanged, long size) {
}
