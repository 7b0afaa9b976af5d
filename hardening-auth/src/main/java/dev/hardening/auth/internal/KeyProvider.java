package dev.hardening.auth.internal;

import dev.hardening.auth.JwksStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Supplies one issuer's verification keys. Thread-safe. */
interface KeyProvider {

    /**
     * Keys that may have signed a token with this kid.
     *
     * @param kid the token's kid, or null for a kid-less token
     * @param alg the token's algorithm
     * @return candidate keys, possibly empty (unknown key); kid-less lookups are capped
     * @throws dev.hardening.auth.KeysUnavailableException when no usable keys can be obtained in time
     */
    List<VerificationKey> candidates(String kid, JwsAlgorithm alg);

    /**
     * Whether a key that verified a token is still in the issuer's key set, obtaining the set as
     * {@link #candidates} does (a set past its lifetime starts a refresh; no usable set waits as
     * there). A refreshed set holds new objects for the same keys: an equal key counts.
     *
     * @param key a key this provider returned earlier
     * @return the current set's key equal to it, or null when the set no longer has it
     * @throws dev.hardening.auth.KeysUnavailableException when no usable keys can be obtained in time
     */
    VerificationKey stillPublished(VerificationKey key);

    /** @return the current status */
    JwksStatus status();

    /** @return completes after a first load attempt */
    CompletableFuture<Void> warmUp();
}
