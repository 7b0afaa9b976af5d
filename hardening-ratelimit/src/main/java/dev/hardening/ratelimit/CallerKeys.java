package dev.hardening.ratelimit;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Builds rate-limit keys for HTTP callers, each prefixed by its kind so an API key can never collide
 * with an address: {@code sub:<subject>} for an authenticated subject (hashed when longer than 128
 * characters), {@code key:<sha-256>} for an API key (always hashed: the secret never reaches Redis or
 * logs), {@code ip:<address>} for a client address. Stateless and thread-safe.
 */
public final class CallerKeys {

    private CallerKeys() {
    }

    /**
     * @param subject an authenticated subject, non-empty
     * @return the key
     */
    public static String subject(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("subject: empty (expected: an authenticated subject)");
        }
        return subject.length() <= 128 ? "sub:" + subject : "sub#" + sha256(subject);
    }

    /**
     * @param apiKey an API key, non-empty
     * @return the key, holding only a hash of the API key
     */
    public static String apiKey(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            throw new IllegalArgumentException("apiKey: empty (expected: an API key)");
        }
        return "key:" + sha256(apiKey);
    }

    /**
     * @param address a client address
     * @return the key
     */
    public static String address(InetAddress address) {
        return "ip:" + address.getHostAddress();
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
