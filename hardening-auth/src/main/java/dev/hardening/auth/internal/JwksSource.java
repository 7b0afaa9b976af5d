package dev.hardening.auth.internal;

/**
 * A blocking source of a whole key set: the inner layers of the stack ({@link HttpJwksSource},
 * {@link RetryingJwksSource}), which run only on the background refresh thread. Thread-safe.
 */
interface JwksSource extends JwksLayer {

    /**
     * @return a freshly fetched, parsed key set with at least one usable key
     * @throws FetchException when no key set could be obtained
     */
    KeySet load() throws FetchException;
}
