package dev.hardening.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one issuer's key cache, for health endpoints and metrics.
 *
 * @param issuer               the issuer
 * @param state                the overall state
 * @param keyIds               usable key ids (a key without {@code kid} shows as {@code ""})
 * @param lastSuccess          when keys were last fetched successfully
 * @param lastFailure          when a refresh last failed
 * @param lastFailureKind      the kind of the last failure ({@code timeout}, {@code http_500}, {@code malformed} …)
 * @param consecutiveFailures  refreshes failed since the last success
 * @param keyAge               age of the keys in use
 * @param fetches              HTTP requests made (discovery and JWKS, retries included)
 * @param fetchFailures        HTTP requests that failed
 * @param rateLimitedRefreshes refreshes refused by the per-window limit
 * @param unknownKids          tokens seen with a {@code kid} the issuer does not publish
 * @param negativeCacheHits    of those, answered from the unknown-kid cache without any fetch
 */
public record JwksStatus(String issuer, State state, List<String> keyIds, Optional<Instant> lastSuccess,
                         Optional<Instant> lastFailure, Optional<String> lastFailureKind, int consecutiveFailures,
                         Optional<Duration> keyAge, long fetches, long fetchFailures, long rateLimitedRefreshes,
                         long unknownKids, long negativeCacheHits) {

    /** Overall state of an issuer's keys. */
    public enum State {
        /** Nothing fetched yet (lazy start). Not unhealthy by itself. */
        NOT_LOADED,
        /** Keys within their cache lifetime. */
        FRESH,
        /** Keys past their lifetime, served through a provider outage (within the tolerance). */
        STALE,
        /** No usable keys: tokens of this issuer get 503. */
        UNAVAILABLE
    }

    /** @return whether tokens of this issuer can currently be verified (or nothing was tried yet) */
    public boolean healthy() {
        return state != State.UNAVAILABLE;
    }
}
