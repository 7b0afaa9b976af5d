package dev.hardening.auth.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.KeysUnavailableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's keys fetched over HTTP (optionally after OIDC discovery), with:
 * lock-free reads of an immutable snapshot; single-flight refreshes on a background executor;
 * refresh ahead of expiry without blocking requests; a limit of N fetch-starting refreshes per
 * window whatever triggers them; a bounded negative cache of unknown kids; a bounded wait for
 * requests that have no usable keys; last good keys served through outages; Resilience4j retries
 * with exponential backoff and jitter inside one refresh. Thread-safe.
 */
final class RemoteJwks implements KeyProvider {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");
    private static final int MAX_KID_LENGTH = 256;

    /** Immutable key snapshot. */
    private record Snapshot(List<VerificationKey> keys, Map<String, List<VerificationKey>> byKid,
                            Instant fetchedAt, Duration ttl) {
        Instant expiresAt() {
            return fetchedAt.plus(ttl);
        }

        Instant refreshAt() {
            return fetchedAt.plus(ttl.multipliedBy(3).dividedBy(4));
        }
    }

    private final IssuerPolicy policy;
    private final JwksSettings settings;
    private final Clock clock;
    private final Executor executor;
    private final HttpFetcher fetcher;
    private final Events events;
    private final Retry retry;

    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicReference<URI> discoveredJwksUri = new AtomicReference<>();
    private final Object lock = new Object();
    /** Guarded by lock. */
    private CompletableFuture<Snapshot> inFlight;
    /** Guarded by lock: start times of recent refreshes, oldest first, at most refreshesPerWindow. */
    private final ArrayDeque<Instant> recentStarts = new ArrayDeque<>();
    /** Guarded by itself: unknown kid → time it was found unknown. */
    private final Map<String, Instant> negative;

    private final LongAdder fetches = new LongAdder();
    private final LongAdder fetchFailures = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder unknownKids = new LongAdder();
    private final LongAdder negativeHits = new LongAdder();
    private volatile Instant lastFailure;
    private volatile String lastFailureKind;
    private volatile Throwable lastError;
    private volatile int consecutiveFailures;

    RemoteJwks(IssuerPolicy policy, JwksSettings settings, Clock clock, Executor executor, HttpFetcher fetcher,
               List<JwksListener> listeners) {
        this.policy = policy;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.fetcher = fetcher;
        this.events = new Events(policy.issuer(), clock, listeners);
        int capacity = settings.negativeCacheSize();
        this.negative = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > capacity;
            }
        };
        Duration initial = settings.initialBackoff();
        this.retry = Retry.of("jwks", RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initial, 2.0, 0.5, initial.multipliedBy(16)))
                .retryOnException(t -> t instanceof FetchException && ((FetchException) t).retryable())
                .build());
    }

    @Override
    public List<VerificationKey> candidates(String kid, JwsAlgorithm alg) {
        Instant now = clock.instant();
        Snapshot snap = usable(now);
        if (snap == null) {
            snap = await(startRefresh(now, "no usable keys"));
            if (snap == null) {
                snap = usable(clock.instant());
            }
            if (snap == null) {
                Throwable cause = lastError;
                throw new KeysUnavailableException("no usable keys for issuer " + policy.issuer()
                        + (lastFailureKind == null ? "" : " (last failure: " + lastFailureKind + ")"), cause);
            }
        } else if (!now.isBefore(snap.refreshAt())) {
            startRefresh(now, "refresh ahead of expiry");
            if (now.isAfter(snap.expiresAt()) && consecutiveFailures > 0) {
                events.emit(JwksEvent.Type.SERVING_STALE_KEYS, "keys fetched at " + snap.fetchedAt() + ", expired at "
                        + snap.expiresAt());
            }
        }
        if (kid == null) {
            List<VerificationKey> out = new ArrayList<>();
            for (VerificationKey k : snap.keys()) {
                if (k.supports(alg)) {
                    out.add(k);
                    if (out.size() >= settings.maxKidlessCandidates()) {
                        break;
                    }
                }
            }
            return out;
        }
        List<VerificationKey> found = snap.byKid().get(kid);
        if (found != null) {
            return found;
        }
        unknownKids.increment();
        events.emit(JwksEvent.Type.UNKNOWN_KID, "a token named a kid the issuer does not publish (length " + kid.length() + ")");
        if (kid.length() > MAX_KID_LENGTH || negativeContains(kid, now)) {
            negativeHits.increment();
            return List.of();
        }
        CompletableFuture<Snapshot> refresh = startRefresh(now, "unknown kid");
        Snapshot fresh = refresh == null ? null : await(refresh);
        if (fresh != null) {
            found = fresh.byKid().get(kid);
            if (found != null) {
                return found;
            }
        }
        negativeAdd(kid, now);
        return List.of();
    }

    private Snapshot usable(Instant now) {
        Snapshot s = snapshot.get();
        if (s == null || !now.isBefore(s.expiresAt().plus(settings.outageTolerance()))) {
            return null;
        }
        return s;
    }

    private Snapshot await(CompletableFuture<Snapshot> f) {
        if (f == null) {
            return null;
        }
        try {
            return f.get(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** Starts a refresh unless one runs (then returns it) or the window's budget is spent (then null). */
    private CompletableFuture<Snapshot> startRefresh(Instant now, String why) {
        synchronized (lock) {
            if (inFlight != null && !inFlight.isDone()) {
                return inFlight;
            }
            Instant windowStart = now.minus(settings.refreshWindow());
            while (!recentStarts.isEmpty() && !recentStarts.peekFirst().isAfter(windowStart)) {
                recentStarts.pollFirst();
            }
            if (recentStarts.size() >= settings.refreshesPerWindow()) {
                rateLimited.increment();
                events.emit(JwksEvent.Type.REFRESH_RATE_LIMITED, why + ": " + recentStarts.size()
                        + " refreshes already started within " + settings.refreshWindow());
                return null;
            }
            recentStarts.addLast(now);
            CompletableFuture<Snapshot> f = new CompletableFuture<>();
            try {
                executor.execute(() -> f.complete(refresh()));
            } catch (RejectedExecutionException e) {
                recentStarts.pollLast();
                return null;
            }
            inFlight = f;
            return f;
        }
    }

    /** Runs on the executor. Never throws; returns null when the refresh failed. */
    private Snapshot refresh() {
        try {
            URI jwksUri = jwksUri();
            HttpFetcher.Response response = fetchWithRetry(jwksUri);
            KeySetParser.Result parsed;
            try {
                parsed = KeySetParser.parse(response.body(), settings.maxKeys());
            } catch (KeySetParser.MalformedKeySetException e) {
                throw new FetchException("malformed", false, jwksUri + " is not a JWK set (" + e.getMessage() + ")", null);
            }
            for (String reason : parsed.ignored()) {
                events.emit(JwksEvent.Type.KEY_IGNORED, reason);
            }
            if (parsed.keys().isEmpty()) {
                throw new FetchException("no_usable_keys", false, jwksUri + " publishes no usable signing key", null);
            }
            Map<String, List<VerificationKey>> byKid = new HashMap<>();
            for (VerificationKey k : parsed.keys()) {
                if (k.kid() != null) {
                    byKid.computeIfAbsent(k.kid(), x -> new ArrayList<>()).add(k);
                }
            }
            byKid.replaceAll((k, v) -> List.copyOf(v));
            Snapshot fresh = new Snapshot(parsed.keys(), Collections.unmodifiableMap(byKid), clock.instant(),
                    ttl(response.cacheControl()));
            snapshot.set(fresh);
            synchronized (negative) {
                negative.clear();
            }
            if (consecutiveFailures > 0) {
                LOG.info("JWKS for issuer {} recovered after {} failed refreshes", policy.issuer(), consecutiveFailures);
            }
            consecutiveFailures = 0;
            lastError = null;
            events.emit(JwksEvent.Type.FETCH_SUCCEEDED, parsed.keys().size() + " usable keys, cached for " + fresh.ttl());
            return fresh;
        } catch (FetchException e) {
            recordFailure(e.kind(), e);
            return null;
        } catch (RuntimeException e) {
            recordFailure("error", e);
            return null;
        }
    }

    private void recordFailure(String kind, Throwable e) {
        lastFailure = clock.instant();
        lastFailureKind = kind;
        lastError = e;
        int n = ++consecutiveFailures;
        Snapshot s = snapshot.get();
        String keeping = s == null ? "no keys cached" : "keeping keys fetched at " + s.fetchedAt();
        if (n == 1) {
            LOG.warn("JWKS refresh for issuer {} failed ({}); {}", policy.issuer(), kind, keeping);
        } else {
            LOG.debug("JWKS refresh for issuer {} failed again ({}, {} in a row)", policy.issuer(), kind, n);
        }
        events.emit(JwksEvent.Type.REFRESH_FAILED, kind + "; " + keeping);
    }

    private URI jwksUri() throws FetchException {
        Optional<URI> direct = policy.jwksUri();
        if (direct.isPresent()) {
            return direct.get();
        }
        URI known = discoveredJwksUri.get();
        if (known != null) {
            return known;
        }
        String base = policy.issuer().endsWith("/") ? policy.issuer().substring(0, policy.issuer().length() - 1)
                : policy.issuer();
        URI configUri = URI.create(base + "/.well-known/openid-configuration");
        HttpFetcher.Response r = fetchWithRetry(configUri);
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(r.body());
        } catch (java.text.ParseException | RuntimeException e) {
            throw new FetchException("malformed", false, configUri + " is not a JSON object", null);
        }
        if (!policy.issuer().equals(doc.get("issuer"))) {
            throw new FetchException("issuer_mismatch", false, configUri + " names another issuer", null);
        }
        Object jwks = doc.get("jwks_uri");
        if (!(jwks instanceof String)) {
            throw new FetchException("malformed", false, configUri + " has no jwks_uri", null);
        }
        URI uri;
        try {
            UrlRules.check("jwks_uri", (String) jwks);
            uri = URI.create((String) jwks);
        } catch (IllegalArgumentException e) {
            throw new FetchException("insecure_jwks_uri", false, configUri + ": " + e.getMessage(), null);
        }
        discoveredJwksUri.set(uri);
        return uri;
    }

    private HttpFetcher.Response fetchWithRetry(URI uri) throws FetchException {
        try {
            return Retry.decorateCheckedSupplier(retry, () -> fetchOnce(uri)).get();
        } catch (FetchException e) {
            if (e.kind().startsWith("http_4") && policy.jwksUri().isEmpty()) {
                discoveredJwksUri.set(null);
            }
            throw e;
        } catch (Throwable t) {
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new FetchException("error", false, "fetching " + uri + " failed (" + t.getClass().getSimpleName() + ")", t);
        }
    }

    private HttpFetcher.Response fetchOnce(URI uri) throws FetchException {
        fetches.increment();
        try {
            return fetcher.get(uri);
        } catch (FetchException e) {
            fetchFailures.increment();
            events.emit(JwksEvent.Type.FETCH_FAILED, e.getMessage());
            throw e;
        }
    }

    private Duration ttl(Optional<String> cacheControl) {
        if (cacheControl.isEmpty()) {
            return settings.cacheTtl();
        }
        String cc = cacheControl.get().toLowerCase(Locale.ROOT);
        if (cc.contains("no-store") || cc.contains("no-cache")) {
            return settings.minCacheTtl();
        }
        Matcher m = MAX_AGE.matcher(cc);
        if (!m.find()) {
            return settings.cacheTtl();
        }
        Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
        if (d.compareTo(settings.minCacheTtl()) < 0) {
            return settings.minCacheTtl();
        }
        return d.compareTo(settings.maxCacheTtl()) > 0 ? settings.maxCacheTtl() : d;
    }

    private boolean negativeContains(String kid, Instant now) {
        synchronized (negative) {
            Instant at = negative.get(kid);
            if (at == null) {
                return false;
            }
            if (now.isAfter(at.plus(settings.refreshWindow()))) {
                negative.remove(kid);
                return false;
            }
            return true;
        }
    }

    private void negativeAdd(String kid, Instant now) {
        synchronized (negative) {
            negative.put(kid, now);
        }
    }

    @Override
    public JwksStatus status() {
        Instant now = clock.instant();
        Snapshot s = snapshot.get();
        JwksStatus.State state;
        if (s == null) {
            state = lastFailure == null ? JwksStatus.State.NOT_LOADED : JwksStatus.State.UNAVAILABLE;
        } else if (now.isBefore(s.expiresAt())) {
            state = JwksStatus.State.FRESH;
        } else if (usable(now) != null) {
            state = JwksStatus.State.STALE;
        } else {
            state = JwksStatus.State.UNAVAILABLE;
        }
        List<String> ids = new ArrayList<>();
        if (s != null) {
            for (VerificationKey k : s.keys()) {
                ids.add(k.kid() == null ? "" : k.kid());
            }
        }
        return new JwksStatus(policy.issuer(), state, List.copyOf(ids),
                Optional.ofNullable(s).map(Snapshot::fetchedAt), Optional.ofNullable(lastFailure),
                Optional.ofNullable(lastFailureKind), consecutiveFailures,
                Optional.ofNullable(s).map(x -> Duration.between(x.fetchedAt(), now)),
                fetches.sum(), fetchFailures.sum(), rateLimited.sum(), unknownKids.sum(), negativeHits.sum());
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        CompletableFuture<Snapshot> f = startRefresh(clock.instant(), "warm-up");
        return f == null ? CompletableFuture.completedFuture(null) : f.thenApply(x -> null);
    }
}
