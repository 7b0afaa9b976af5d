package dev.hardening.auth;

import dev.hardening.auth.internal.Hmac;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.Secret;
import dev.hardening.config.StartupCheck;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks API keys (shared tokens) against SHA-256 hashes: the plaintext keys are never kept.
 * Several keys may be active at once (rotation); every stored hash is compared, in constant time,
 * on every call, so timing reveals neither which key matched nor how much of it. Keys are meant to
 * be long random strings (at least {@link #MIN_KEY_LENGTH} characters), which is why a plain
 * SHA-256 suffices.
 *
 * <p>Rotation without restart: {@link #ofKeys(Supplier)} reads the keys at every call, so a key
 * added to or removed from the configuration applies to the next request (a key's
 * {@link Secret#previous()} values are accepted while they are set). Only that variant keeps the
 * supplier, and with it whatever the supplier holds. Immutable and thread-safe.
 */
public final class ApiKeyVerifier implements StartupCheck {

    /** 32 characters. */
    public static final int MIN_KEY_LENGTH = 32;

    private record Stored(String id, byte[] hash) {
    }

    /** Fixed hashes, or null when the keys come from {@link #live}. */
    private final List<Stored> hashes;
    private final Supplier<Map<String, Secret>> live;

    private ApiKeyVerifier(List<Stored> hashes, Supplier<Map<String, Secret>> live) {
        this.hashes = hashes;
        this.live = live;
    }

    /**
     * A verifier that reads its keys at every call, for rotation without restart. Keys shorter
     * than {@link #MIN_KEY_LENGTH} are never accepted (and the startup finding says so); an empty
     * map, a null map or a supplier that fails accepts no key.
     *
     * @param keysById key id (safe to log) → key, read at every {@link #verify} call
     * @return the verifier
     * @throws NullPointerException if the supplier is null
     */
    public static ApiKeyVerifier ofKeys(Supplier<Map<String, Secret>> keysById) {
        return new ApiKeyVerifier(null, Objects.requireNonNull(keysById, "keysById"));
    }

    /** @return the hashes of the keys now configured, short keys left out */
    private List<Stored> currentHashes() {
        if (hashes != null) {
            return hashes;
        }
        Map<String, Secret> keys;
        try {
            keys = live.get();
        } catch (RuntimeException e) {
            return List.of();
        }
        if (keys == null) {
            return List.of();
        }
        List<Stored> h = new ArrayList<>();
        keys.forEach((id, key) -> {
            if (id != null && key != null && key.length() >= MIN_KEY_LENGTH) {
                for (Secret s : key.candidates()) {
                    h.add(new Stored(id, hashOf(s)));
                }
            }
        });
        return h;
    }

    private static byte[] hashOf(Secret s) {
        byte[] bytes = s.bytes();
        try {
            return sha256(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * @param keysById key id (safe to log, such as {@code ci-2026}) → key
     * @return a verifier keeping only the hashes
     * @throws IllegalArgumentException if a key is shorter than {@link #MIN_KEY_LENGTH} or the map is empty
     */
    public static ApiKeyVerifier ofKeys(Map<String, Secret> keysById) {
        List<Stored> h = new ArrayList<>();
        keysById.forEach((id, key) -> {
            if (key.length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("api key " + id + ": " + key.describe() + " (expected: at least "
                        + MIN_KEY_LENGTH + " random characters)");
            }
            for (Secret s : key.candidates()) {
                h.add(new Stored(id, hashOf(s)));
            }
        });
        return of(h);
    }

    /**
     * @param hexHashesById key id → lower- or upper-case hex SHA-256 of the key (as printed by {@link #hash})
     * @return a verifier
     * @throws IllegalArgumentException for a value that is not 64 hex digits or an empty map
     */
    public static ApiKeyVerifier ofHashes(Map<String, String> hexHashesById) {
        List<Stored> h = new ArrayList<>();
        hexHashesById.forEach((id, hex) -> {
            byte[] b = Hmac.hex(Objects.requireNonNull(hex, "hash"), 32);
            if (b == null) {
                throw new IllegalArgumentException("api key hash " + id + ": (expected: 64 hex digits of SHA-256)");
            }
            h.add(new Stored(id, b));
        });
        return of(h);
    }

    private static ApiKeyVerifier of(List<Stored> h) {
        if (h.isEmpty()) {
            throw new IllegalArgumentException("api keys: none (expected: at least one)");
        }
        return new ApiKeyVerifier(List.copyOf(h), null);
    }

    /**
     * @param key a key
     * @return the hex SHA-256 to store instead of the key
     */
    public static String hash(Secret key) {
        byte[] bytes = key.bytes();
        try {
            return Hmac.toHex(sha256(bytes));
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compares the presented key with every active key hash in constant time.
     *
     * @param presented the key from the request, may be null
     * @return the id of the matching key, or empty
     */
    public Optional<String> verify(CharSequence presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented.toString().getBytes(StandardCharsets.UTF_8));
        String match = null;
        for (Stored e : currentHashes()) {
            if (MessageDigest.isEqual(digest, e.hash()) && match == null) {
                match = e.id();
            }
        }
        return Optional.ofNullable(match);
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        if (hashes == null) {
            return liveFindings(environment);
        }
        return List.of(Finding.pass("HA-K001", "Auth: API keys", "api keys", hashes.size()
                + " active key hash(es); compared in constant time; plaintext not kept", ""));
    }

    private List<Finding> liveFindings(AppEnvironment environment) {
        String rule = "Auth: API keys";
        Map<String, Secret> keys;
        try {
            keys = live.get();
        } catch (RuntimeException e) {
            keys = null;
        }
        if (keys == null || keys.isEmpty()) {
            return List.of(new Finding("HA-K002", environment.policyViolation(), rule, "api keys",
                    "no api key is configured: every request is refused", "configure at least one key"));
        }
        List<Finding> out = new ArrayList<>();
        int usable = 0;
        for (Map.Entry<String, Secret> e : keys.entrySet()) {
            if (e.getValue() == null || e.getValue().length() < MIN_KEY_LENGTH) {
                out.add(new Finding("HA-K003", environment.policyViolation(), rule, "api key " + e.getKey(),
                        "key is short (" + (e.getValue() == null ? "unset" : e.getValue().describe())
                                + ") and is never accepted", "use at least " + MIN_KEY_LENGTH + " random characters"));
            } else {
                usable++;
            }
        }
        out.add(0, Finding.pass("HA-K001", rule, "api keys", usable
                + " active key(s), read at every request (rotation without restart); compared in constant time", ""));
        return out;
    }
}
