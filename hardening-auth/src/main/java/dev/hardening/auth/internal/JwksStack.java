package dev.hardening.auth.internal;

import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksSettings;
import dev.hardening.config.TimeSource;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Assembles one issuer's remote key provider from small layers, always in this order (outermost
 * first; each delegates to the next; {@code JwksStackTest} pins it):
 *
 * <ol>
 *   <li>{@link KidSelector} — kid lookup, kid-less cap, refresh on an unknown kid, Caffeine
 *       unknown-kid cache (request thread);</li>
 *   <li>{@link CachedKeys} — lock-free cached set, refresh ahead at 75 % of its lifetime, stale
 *       keys through outages, bounded wait when there are no keys (request thread);</li>
 *   <li>{@link RateLimitedRefresh} — at most N refresh starts per sliding window, decided before
 *       any thread hand-off (request thread);</li>
 *   <li>{@link SingleFlightRefresh} — one refresh at a time, on the background executor; records
 *       the outcome in {@link JwksState};</li>
 *   <li>{@link RetryingJwksSource} — Resilience4j retries with backoff and jitter (refresh thread);</li>
 *   <li>{@link HttpJwksSource} — discovery ({@link DiscoveryLocator}), the JWKS GET, the key
 *       policy and the {@code max-age} lifetime (refresh thread).</li>
 * </ol>
 *
 * <p>Why this order: the rate limit sits below the cache and the unknown-kid path, so only real
 * fetches are counted and neither expiry nor a flood of unknown kids can exceed it; it sits above
 * the single-flight hand-off, so a refused request pays nothing; retries sit below the single
 * flight, so one refresh's retries count as one start and never run on a request thread.
 */
final class JwksStack {

    private JwksStack() {
    }

    static KidSelector remote(IssuerPolicy policy, JwksSettings settings, TimeSource time, Executor executor,
                              HttpFetcher fetcher, List<JwksListener> listeners) {
        Events events = new Events(policy.issuer(), time, listeners);
        JwksState state = new JwksState(policy.issuer(), settings, time, events);
        JwksSource http = new HttpJwksSource(new DiscoveryLocator(policy), fetcher, settings, time, state, events);
        JwksSource retrying = new RetryingJwksSource(http, settings.maxAttempts(), settings.initialBackoff());
        SingleFlightRefresh singleFlight = new SingleFlightRefresh(retrying, executor, state);
        RateLimitedRefresh rateLimited = new RateLimitedRefresh(singleFlight, time, settings.refreshWindow(),
                settings.refreshesPerWindow(), state, events);
        CachedKeys cached = new CachedKeys(rateLimited, state, settings, time, events);
        return new KidSelector(cached, state, settings, time, events);
    }
}
