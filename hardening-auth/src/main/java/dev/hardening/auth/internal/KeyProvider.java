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

    /** @return the current status */
    JwksStatus status();

    /** @return completes after a first load attempt */
    CompletableFuture<Void> warmUp();
}
