package dev.hardening.config.internal;

import java.util.Collection;
import java.util.Locale;

/** Variable-name derivation and "did you mean" suggestions. Thread-safe. */
final class Names {
    private Names() {
    }

    /**
     * Upper snake case of a Java identifier: {@code bindAddress} → {@code BIND_ADDRESS},
     * {@code oidcJwksUri} → {@code OIDC_JWKS_URI}, {@code httpURLPort} → {@code HTTP_URL_PORT},
     * {@code s3Bucket} → {@code S3_BUCKET}.
     *
     * @param identifier a Java identifier
     * @return its upper snake case form
     */
    public static String upperSnake(String identifier) {
        StringBuilder sb = new StringBuilder(identifier.length() + 8);
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char prev = identifier.charAt(i - 1);
                boolean nextLower = i + 1 < identifier.length() && Character.isLowerCase(identifier.charAt(i + 1));
                if (Character.isLowerCase(prev) || Character.isDigit(prev) || (Character.isUpperCase(prev) && nextLower)) {
                    sb.append('_');
                }
            }
            sb.append(c == '_' ? '_' : Character.toUpperCase(c));
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /**
     * @param name      an unknown name
     * @param known     the known names
     * @param tolerance the largest edit distance still suggested
     * @return the closest known name within the tolerance, or null
     */
    public static String closest(String name, Collection<String> known, int tolerance) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= tolerance ? best : null;
    }

    /**
     * @param a a string
     * @param b another
     * @return the Damerau–Levenshtein (optimal string alignment) distance: insertions, deletions,
     *     substitutions and adjacent transpositions each cost 1
     */
    public static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }

    /**
     * @param name a name
     * @return the edit distance tolerated for a typo of that name: 1 up to 5 characters, 2 up to
     *     11, then 3
     */
    public static int typoTolerance(String name) {
        return name.length() <= 5 ? 1 : name.length() <= 11 ? 2 : 3;
    }

    /**
     * Quotes a non-secret raw value for an error message: control characters escaped, at most
     * 60 characters.
     *
     * @param raw the raw value
     * @return the quoted form
     */
    public static String quote(String raw) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(raw.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (raw.length() > limit) {
            sb.append("…(").append(raw.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }
}
