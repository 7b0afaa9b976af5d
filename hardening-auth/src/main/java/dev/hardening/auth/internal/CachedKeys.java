package dev.hardening.auth.internal;

import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.KeysUnavailableException;
import dev.hardening.config.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves the cached key set lock-free: within its lifetime as is; past 75 % of it while starting a
 * background refresh (the request does not wait); past expiry, while refreshes fail, for up to the
 * outage tolerance (stale keys, with an event). Only a request with no usable keys at all waits,
 * for at most {@link JwksSettings#maxWait()}. Thread-safe.
 *
 * <p>Why not Nimbus' {@code CachingJWKSetSource} / {@code RefreshAheadCachingJWKSetSource} /
 * {@code OutageTolerantJWKSetSource}: their lifetime is fixed when they are built, so
 * {@code Cache-Control: max-age} cannot set it ({@code NimbusWrappersTest.cachingSourceIgnoresShorterLifetimes};
 * ours: {@code RemoteJwksIT.clampsMaxAgeAndRefreshesAheadInTheBackground}); on expiry the caller
 * refreshes under a lock that other requests wait on for up to 15 s, and outage tolerance applies
 * only after the failing fetch has been waited for.
 */
final class CachedKeys implements JwksLayer {

    private final RateLimitedRefresh below;
    private final JwksState state;
    private final JwksSettings settings;
    private final TimeSource time;
    private final Events events;

    CachedKeys(RateLimitedRefresh below, JwksState state, JwksSettings settings, TimeSource time, Events events) {
        this.below = below;
        this.state = state;
        this.settings = settings;
        this.time = time;
        this.events = events;
    }

    @Override
    public JwksLayer below() {
        return below;
    }

    /**
     * @return usable keys, possibly stale
     * @throws KeysUnavailableException when there are none and none arrive within the wait bound
     */
    KeySet keys() {
        long now = time.nanoTime();
        KeySet keys = usable(now);
        if (keys == null) {
            keys = await(below.start("no usable keys"));
            if (keys == null) {
                keys = usable(time.nanoTime());
            }
            if (keys == null) {
                String kind = state.lastFailureKind().map(k -> " (last failure: " + k + ")").orElse("");
                throw new KeysUnavailableException("no usable keys for issuer " + state.issuer() + kind, state.lastError());
            }
        } else if (keys.dueForRefresh(now)) {
            below.start("refresh ahead of expiry");
            if (keys.expired(now) && state.consecutiveFailures() > 0) {
                events.emit(JwksEvent.Type.SERVING_STALE_KEYS, "keys fetched at " + keys.fetchedAt() + ", expired at "
                        + keys.expiresAt());
            }
        }
        return keys;
    }

    /**
     * Asks for a refresh now (a token named a kid the cached set lacks) and waits for it within the bound.
     *
     * @return the fresh key set, or null when the refresh was refused, failed or took too long
     */
    KeySet refreshNow(String why) {
        return await(below.start(why));
    }

    /** @return completes after a refresh attempt (or at once when none may start) */
    CompletableFuture<Void> warmUp() {
        CompletableFuture<KeySet> f = below.start("warm-up");
        return f == null ? CompletableFuture.completedFuture(null) : f.thenApply(x -> null);
    }

    private KeySet usable(long now) {
        KeySet s = state.current();
        return s != null && s.usable(now, settings.outageTolerance()) ? s : null;
    }

    private KeySet await(CompletableFuture<KeySet> f) {
        if (f == null) {
            return null;
        }
        try {
            return f.get(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
