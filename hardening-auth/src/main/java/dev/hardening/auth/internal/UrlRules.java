package dev.hardening.auth.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * URL rules for issuers and JWKS endpoints: an absolute {@code https} or {@code http} URL with a
 * host and no query, fragment or user info. Plain {@code http} is accepted anywhere (an identity
 * provider inside a private network may have no TLS); the verifier's startup finding
 * {@code HA-A002} flags it: WARN outside production, FAIL in production unless silenced.
 * Stateless and thread-safe.
 */
public final class UrlRules {

    private UrlRules() {
    }

    /**
     * @param field the setting name for the message
     * @param value the URL
     * @throws IllegalArgumentException if the URL is not acceptable
     */
    public static void check(String field, String value) {
        Objects.requireNonNull(value, field);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: an absolute https URL)", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            // The value is not echoed: user info may be a password.
            throw new IllegalArgumentException(field + ": a URL with user info (expected: an absolute https URL "
                    + "without query, fragment or user info)");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(field + ": " + value
                    + " (expected: an absolute https URL without query, fragment or user info)");
        }
        if (scheme.equals("https") || scheme.equals("http")) {
            return;
        }
        throw new IllegalArgumentException(field + ": " + value + " (expected: an https URL, or http with the HA-A002 finding)");
    }

    /**
     * @param value a URL that passed {@link #check}
     * @return whether it uses plain {@code http}
     */
    public static boolean isPlainHttp(String value) {
        return value.regionMatches(true, 0, "http:", 0, 5);
    }
}
