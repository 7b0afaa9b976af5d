package dev.hardening.auth.internal;

import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.JwksStatus;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every layer of one issuer's JWKS stack reports into: the current key set, the outcome of
 * the last refreshes, and the counters behind {@link JwksStatus}. Refresh outcomes are recorded
 * only by the single refresh thread of {@link SingleFlightRefresh}; reads are lock-free.
 * Thread-safe.
 */
final class JwksState {

    private static final Logger LOG = LoggerFactory.getLogger(JwksState.class);

    final LongAdder fetches = new LongAdder();
    final LongAdder fetchFailures = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder unknownKids = new LongAdder();
    final LongAdder negativeHits = new LongAdder();

    private final String issuer;
    private final JwksSettings settings;
    private final TimeSource time;
    private final Events events;
    private final AtomicReference<KeySet> current = new AtomicReference<>();
    private volatile Instant lastFailure;
    private volatile String lastFailureKind;
    private volatile Throwable lastError;
    private volatile int consecutiveFailures;

    JwksState(String issuer, JwksSettings settings, TimeSource time, Events events) {
        this.issuer = issuer;
        this.settings = settings;
        this.time = time;
        this.events = events;
    }

    /** @return the last fetched key set, or null */
    KeySet current() {
        return current.get();
    }

    String issuer() {
        return issuer;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    Optional<String> lastFailureKind() {
        return Optional.ofNullable(lastFailureKind);
    }

    Throwable lastError() {
        return lastError;
    }

    void succeeded(KeySet fresh) {
        current.set(fresh);
        if (consecutiveFailures > 0) {
            LOG.info("JWKS for issuer {} recovered after {} failed refreshes", issuer, consecutiveFailures);
        }
        consecutiveFailures = 0;
        lastError = null;
        events.emit(JwksEvent.Type.FETCH_SUCCEEDED, fresh.keys().size() + " usable keys, cached for " + fresh.ttl());
    }

    void failed(FetchException e) {
        lastFailure = time.now();
        lastFailureKind = e.kind();
        lastError = e;
        int n = ++consecutiveFailures;
        KeySet s = current.get();
        String keeping = s == null ? "no keys cached" : "keeping keys fetched at " + s.fetchedAt();
        if (n == 1) {
            LOG.warn("JWKS refresh for issuer {} failed ({}); {}", issuer, e.kind(), keeping);
        } else {
            LOG.debug("JWKS refresh for issuer {} failed again ({}, {} in a row)", issuer, e.kind(), n);
        }
        events.emit(JwksEvent.Type.REFRESH_FAILED, e.kind() + "; " + keeping);
    }

    JwksStatus status() {
        long nowNanos = time.nanoTime();
        KeySet s = current.get();
        JwksStatus.State state;
        if (s == null) {
            state = lastFailure == null ? JwksStatus.State.NOT_LOADED : JwksStatus.State.UNAVAILABLE;
        } else if (!s.expired(nowNanos)) {
            state = JwksStatus.State.FRESH;
        } else if (s.usable(nowNanos, settings.outageTolerance())) {
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
        return new JwksStatus(issuer, state, List.copyOf(ids),
                Optional.ofNullable(s).map(KeySet::fetchedAt), Optional.ofNullable(lastFailure),
                Optional.ofNullable(lastFailureKind), consecutiveFailures,
                Optional.ofNullable(s).map(x -> Duration.ofNanos(x.ageNanos(nowNanos))),
                fetches.sum(), fetchFailures.sum(), rateLimited.sum(), unknownKids.sum(), negativeHits.sum());
    }
}
