package dev.hardening.auth.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** URL rules for issuers and JWKS endpoints: https, or http on a loopback host only. */
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
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + ": " + value
                    + " (expected: an absolute https URL without query, fragment or user info)");
        }
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()))) {
            return;
        }
        throw new IllegalArgumentException(field + ": " + value + " (expected: https; http only for localhost)");
    }

    /** @return whether the host names the loopback interface */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }
}
