package dev.hardening.auth.internal;

import dev.hardening.auth.JwksStatus;
import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A fixed key set, parsed once. Immutable and thread-safe. */
final class StaticKeys implements KeyProvider {

    private final String issuer;
    private final List<VerificationKey> keys;
    private final int maxKidless;
    private final TimeSource time;
    private final Instant loadedAt;
    private final long loadedNanos;

    StaticKeys(String issuer, String json, int maxKeys, int maxKidless, TimeSource time) {
        this(issuer, json, maxKeys, maxKidless, time, false);
    }

    /** @param allowEmpty whether a set with no usable key is accepted (every token then has an unknown key) */
    StaticKeys(String issuer, String json, int maxKeys, int maxKidless, TimeSource time, boolean allowEmpty) {
        this.issuer = issuer;
        this.maxKidless = maxKidless;
        this.time = time;
        this.loadedAt = time.now();
        this.loadedNanos = time.nanoTime();
        try {
            this.keys = KeySetParser.parse(json, maxKeys).keys();
        } catch (KeySetParser.MalformedKeySetException e) {
            throw new IllegalArgumentException("staticKeys: " + e.getMessage() + " (expected: a JWK set)", e);
        }
        if (keys.isEmpty() && !allowEmpty) {
            throw new IllegalArgumentException("staticKeys: no usable public signing key (expected: at least one)");
        }
    }

    @Override
    public List<VerificationKey> candidates(String kid, JwsAlgorithm alg) {
        List<VerificationKey> out = new ArrayList<>();
        for (VerificationKey k : keys) {
            if (kid == null ? k.supports(alg) : kid.equals(k.kid())) {
                out.add(k);
                if (kid == null && out.size() >= maxKidless) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public VerificationKey stillPublished(VerificationKey key) {
        for (VerificationKey k : keys) {
            if (k == key || k.sameKey(key)) {
                return k;
            }
        }
        return null;
    }

    @Override
    public JwksStatus status() {
        List<String> ids = new ArrayList<>();
        for (VerificationKey k : keys) {
            ids.add(k.kid() == null ? "" : k.kid());
        }
        return new JwksStatus(issuer, JwksStatus.State.FRESH, List.copyOf(ids), Optional.of(loadedAt), Optional.empty(),
                Optional.empty(), 0, Optional.of(Duration.ofNanos(time.nanoTime() - loadedNanos)), 0, 0, 0, 0, 0);
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        return CompletableFuture.completedFuture(null);
    }
}
