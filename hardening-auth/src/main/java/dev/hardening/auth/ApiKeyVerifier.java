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

/**
 * Checks API keys (shared tokens) against SHA-256 hashes: the plaintext keys are never kept.
 * Several keys may be active at once (rotation); every stored hash is compared, in constant time,
 * on every call, so timing reveals neither which key matched nor how much of it. Keys are meant to
 * be long random strings (at least {@link #MIN_KEY_LENGTH} characters), which is why a plain
 * SHA-256 suffices. Immutable and thread-safe.
 */
public final class ApiKeyVerifier implements StartupCheck {

    /** 32 characters. */
    public static final int MIN_KEY_LENGTH = 32;

    private record Stored(String id, byte[] hash) {
    }

    private final List<Stored> hashes;

    private ApiKeyVerifier(List<Stored> hashes) {
        this.hashes = hashes;
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
                byte[] bytes = s.bytes();
                h.add(new Stored(id, sha256(bytes)));
                java.util.Arrays.fill(bytes, (byte) 0);
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
        return new ApiKeyVerifier(List.copyOf(h));
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
     * @param presented the key from the request, may be null
     * @return the id of the matching key, or empty
     */
    public Optional<String> verify(CharSequence presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented.toString().getBytes(StandardCharsets.UTF_8));
        String match = null;
        for (Stored e : hashes) {
            if (MessageDigest.isEqual(digest, e.hash()) && match == null) {
                match = e.id();
            }
        }
        return Optional.ofNullable(match);
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return List.of(Finding.pass("HA-K001", "Auth: API keys", "api keys", hashes.size()
                + " active key hash(es); compared in constant time; plaintext not kept", ""));
    }
}
