package dev.hardening.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.JwksStatus;
import dev.hardening.config.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Outermost layer: picks the candidate keys for a token. A known {@code kid} is a map lookup; a
 * token without {@code kid} gets at most {@link JwksSettings#maxKidlessCandidates()} keys; an
 * unknown {@code kid} asks for one refresh (rotation) and, if the fresh set lacks it too, is
 * remembered in a Caffeine cache — bounded to {@link JwksSettings#negativeCacheSize()} entries,
 * each kept for one refresh window or until new keys arrive — so repeating it costs no fetch.
 * The good keys live in the key set, never in that cache, so a flood of unknown kids can neither
 * grow memory nor evict them. Thread-safe.
 */
final class KidSelector implements KeyProvider, JwksLayer {

    static final int MAX_KID_LENGTH = 256;

    private final CachedKeys below;
    private final JwksState state;
    private final JwksSettings settings;
    private final Events events;
    private final Cache<String, Boolean> unknown;
    /** The key set the unknown kids were judged against; new keys void them. */
    private volatile KeySet unknownBasis;

    KidSelector(CachedKeys below, JwksState state, JwksSettings settings, TimeSource time, Events events) {
        this.below = below;
        this.state = state;
        this.settings = settings;
        this.events = events;
        this.unknown = Caffeine.newBuilder()
                .maximumSize(settings.negativeCacheSize())
                .expireAfterWrite(settings.refreshWindow())
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public JwksLayer below() {
        return below;
    }

    @Override
    public List<VerificationKey> candidates(String kid, JwsAlgorithm alg) {
        KeySet keys = below.keys();
        if (kid == null) {
            List<VerificationKey> out = new ArrayList<>();
            for (VerificationKey k : keys.keys()) {
                if (k.supports(alg)) {
                    out.add(k);
                    if (out.size() >= settings.maxKidlessCandidates()) {
                        break;
                    }
                }
            }
            return out;
        }
        List<VerificationKey> found = keys.byKid().get(kid);
        if (found != null) {
            return found;
        }
        state.unknownKids.increment();
        events.emit(JwksEvent.Type.UNKNOWN_KID, "a token named a kid the issuer does not publish (length " + kid.length() + ")");
        if (unknownBasis != keys) {
            unknown.invalidateAll();
            unknownBasis = keys;
        }
        if (kid.length() > MAX_KID_LENGTH || unknown.getIfPresent(kid) != null) {
            state.negativeHits.increment();
            return List.of();
        }
        KeySet fresh = below.refreshNow("unknown kid");
        if (fresh != null) {
            found = fresh.byKid().get(kid);
            if (found != null) {
                return found;
            }
            if (unknownBasis != fresh) {
                unknown.invalidateAll();
                unknownBasis = fresh;
            }
        }
        unknown.put(kid, Boolean.TRUE);
        return List.of();
    }

    @Override
    public VerificationKey stillPublished(VerificationKey key) {
        return below.keys().find(key);
    }

    /** @return an upper bound of the remembered unknown kids, after pending evictions */
    long unknownKidsRemembered() {
        unknown.cleanUp();
        return unknown.estimatedSize();
    }

    @Override
    public JwksStatus status() {
        return state.status();
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        return below.warmUp();
    }
}
