package dev.hardening.config.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The analysis behind {@code SecretPolicy}: encoding detection, decoded length, deny list and a
 * pattern-aware strength estimate. Stateless and thread-safe. Nothing here returns or logs the
 * analysed value.
 */
public final class SecretStrength {

    /**
     * Well-known defaults, vendor credentials and placeholder words. Words of six or more
     * characters (other than ones random hex could spell, like {@code abcdef}) are rejected
     * anywhere inside a value; the others only as the whole value (ignoring case, punctuation and
     * trailing digits).
     */
    public static final List<String> DENY_WORDS = List.of(
            "changeme", "change-me", "change_me", "changeit", "changethis", "change-this", "replace-me",
            "replace_me", "replaceme", "secret", "password", "passwd", "passw0rd", "p@ssw0rd", "admin",
            "administrator", "root", "toor", "postgres", "minioadmin", "guest", "your-256-bit-secret",
            "django-insecure-", "insecure", "example", "default", "letmein", "qwerty", "welcome", "manager",
            "tomcat", "s3cret", "neo4j", "elastic", "grafana", "harbor12345", "weblogic", "5ivel!fe",
            "datical", "dummy", "placeholder", "sample", "test", "testing", "demo", "dev", "development",
            "local", "pass", "user", "public", "private", "system", "token", "apikey", "api-key",
            "api_key", "jwt", "key", "mykey", "should-be-changed", "must-be-changed", "do-not-use",
            "donotuse", "notsecure", "not-secure", "123456", "12345678", "1234567890", "abcdef", "qwertyuiop",
            "iloveyou", "monkey", "dragon", "master", "shadow", "trustno1", "foobar", "hunter2");

    private static final Set<String> DENY_EXACT = new HashSet<>();

    /** Deny words of four or more characters, indexed by their first (ASCII) character. */
    private static final String[][] WORDS_BY_FIRST = new String[128][];

    static {
        List<List<String>> byFirst = new java.util.ArrayList<>();
        for (int c = 0; c < 128; c++) {
            byFirst.add(new java.util.ArrayList<>());
        }
        for (String w : DENY_WORDS) {
            DENY_EXACT.add(alnum(w));
            if (w.length() >= 4 && w.charAt(0) < 128) {
                byFirst.get(w.charAt(0)).add(w);
            }
        }
        for (int c = 0; c < 128; c++) {
            WORDS_BY_FIRST[c] = byFirst.get(c).toArray(new String[0]);
        }
    }

    private static final List<Pattern> PLACEHOLDERS = List.of(
            Pattern.compile("^<.*>$", Pattern.DOTALL),
            Pattern.compile("\\$\\{[^}]*}"),
            Pattern.compile("\\{\\{.*}}", Pattern.DOTALL),
            Pattern.compile("^%[A-Za-z0-9_]+%$"),
            Pattern.compile("^\\$[A-Za-z_][A-Za-z0-9_]*$"),
            Pattern.compile("^(.)\\1*$", Pattern.DOTALL),
            Pattern.compile("^(true|false|null|nil|none|undefined|empty|unset|todo|tbd|fixme)$",
                    Pattern.CASE_INSENSITIVE));

    /** Minimum length of a repeated or sequential run that counts as a pattern. */
    static final int MIN_PATTERN = 6;

    private SecretStrength() {
    }

    /** How a value appears to be encoded. */
    public enum Encoding {
        /** Hexadecimal digits, even length. */
        HEX,
        /** Base64 or base64url, with or without padding. */
        BASE64,
        /** Anything else: the text's own bytes are the key material. */
        RAW
    }

    /**
     * @param value the value
     * @return its apparent encoding; values under 16 characters count as RAW (too short to tell)
     */
    public static Encoding encoding(String value) {
        if (value.length() < 16) {
            return Encoding.RAW;
        }
        return detect(value);
    }

    private static Encoding detect(String value) {
        int n = value.length();
        if (n % 2 == 0 && isHex(value, true)) {
            return Encoding.HEX;
        }
        return base64Decode(value) != null ? Encoding.BASE64 : Encoding.RAW;
    }

    /**
     * @param value the value
     * @return the number of key bytes it carries once decoded according to {@link #encoding}
     */
    public static int decodedLength(String value) {
        switch (encoding(value)) {
            case HEX:
                return value.length() / 2;
            case BASE64:
                return base64Decode(value).length;
            default:
                return value.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /**
     * The decoded form as text, when the value is hex or base64 of printable UTF-8 text: a
     * default wrapped in base64 is still a default.
     *
     * @param value the value
     * @return the decoded text, or null when the value is RAW or decodes to binary
     */
    public static String decodedText(String value) {
        if (value.length() < 8) {
            return null;
        }
        byte[] bytes;
        switch (detect(value)) {
            case HEX:
                bytes = hexDecode(value);
                break;
            case BASE64:
                bytes = base64Decode(value);
                break;
            default:
                return null;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    return null;
                }
            }
            return text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Whether the value is, or plainly contains, a well-known default or placeholder.
     *
     * @param value the value
     * @return a short reason (never the value), or null when nothing matched
     */
    public static String denyReason(String value) {
        String trimmed = value.strip();
        for (Pattern p : PLACEHOLDERS) {
            if (p.matcher(trimmed).find()) {
                return "looks like a placeholder or template, not a real secret";
            }
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("django-insecure-")) {
            return "is a Django development key (django-insecure- prefix)";
        }
        String a = alnum(lower);
        int end = a.length();
        while (end > 0 && Character.isDigit(a.charAt(end - 1))) {
            end--;
        }
        String stripped = a.substring(0, end);
        if (DENY_EXACT.contains(a) || (!stripped.isEmpty() && DENY_EXACT.contains(stripped))) {
            return "matches a well-known default or common password";
        }
        for (String w : DENY_WORDS) {
            if (w.length() >= 6 && !isHexText(w) && lower.contains(w)) {
                return "contains a well-known default or placeholder word";
            }
        }
        return null;
    }

    /**
     * Estimates the strength of a value in bits: each character costs log2 of an effective
     * alphabet size, except that runs explained by a pattern — a repetition of earlier text, a
     * sequence such as {@code abcde} or {@code 98765}, a run of one character, a deny-list word —
     * cost only what it takes to describe the pattern.
     *
     * @param value the value
     * @return the estimate and how many characters patterns explained
     */
    public static Estimate estimate(String value) {
        int n = value.length();
        if (n == 0) {
            return new Estimate(0, 0);
        }
        double perChar = bitsPerChar(value);
        String lower = value.toLowerCase(Locale.ROOT);
        double bits = 0;
        int patterned = 0;
        int i = 0;
        while (i < n) {
            int seq = sequenceRun(value, i);
            int rep = repeatRun(value, i);
            int dict = dictionaryRun(lower, i);
            int best = Math.max(seq, Math.max(rep, dict));
            if (best >= MIN_PATTERN || (dict >= 4 && dict == best)) {
                if (best == dict) {
                    bits += log2(DENY_WORDS.size()) + 1;
                } else if (best == rep) {
                    bits += log2(Math.max(2, i)) + log2(best);
                } else {
                    bits += perChar + 2 + log2(best);
                }
                patterned += best;
                i += best;
            } else {
                bits += perChar;
                i++;
            }
        }
        return new Estimate(bits, patterned);
    }

    /**
     * @param bits      estimated strength in bits
     * @param patterned how many characters repetition, sequences or dictionary words explained
     */
    public record Estimate(double bits, int patterned) {
    }

    /**
     * @param value the value
     * @return how many distinct characters it uses
     */
    public static int distinctCharacters(String value) {
        java.util.BitSet seen = new java.util.BitSet();
        for (int k = 0; k < value.length(); k++) {
            seen.set(value.charAt(k));
        }
        return seen.cardinality();
    }

    private static double bitsPerChar(String value) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean symbol = false;
        boolean nonAscii = false;
        boolean base64Only = true;
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c < 0x80) {
                symbol = true;
                base64Only &= c == '+' || c == '/' || c == '-' || c == '_' || c == '=';
            } else {
                nonAscii = true;
                base64Only = false;
            }
        }
        int pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (nonAscii ? 100 : 0);
        if (encoding(value) == Encoding.HEX) {
            pool = 16;
        } else if (base64Only && symbol) {
            pool = Math.min(pool, 64);
        }
        double byClass = log2(Math.max(pool, 2));
        double byUse = log2(Math.max(distinctCharacters(value), 2)) + 2;
        return Math.min(byClass, byUse);
    }

    private static int sequenceRun(String s, int i) {
        int n = s.length();
        if (i + 1 >= n) {
            return 1;
        }
        int d = s.charAt(i + 1) - s.charAt(i);
        if (d < -1 || d > 1) {
            return 1;
        }
        int len = 2;
        while (i + len < n && s.charAt(i + len) - s.charAt(i + len - 1) == d) {
            len++;
        }
        return len;
    }

    private static int repeatRun(String s, int i) {
        int n = s.length();
        int best = 0;
        for (int j = 0; j < i; j++) {
            int len = 0;
            while (i + len < n && s.charAt(j + len) == s.charAt(i + len)) {
                len++;
            }
            best = Math.max(best, len);
        }
        return best;
    }

    private static int dictionaryRun(String lower, int i) {
        char first = lower.charAt(i);
        if (first >= 128) {
            return 0;
        }
        int best = 0;
        for (String w : WORDS_BY_FIRST[first]) {
            if (w.length() > best && lower.startsWith(w, i)) {
                best = w.length();
            }
        }
        return best;
    }

    private static byte[] base64Decode(String value) {
        String v = value;
        int pad = 0;
        while (v.endsWith("=")) {
            v = v.substring(0, v.length() - 1);
            pad++;
        }
        if (pad > 2 || v.indexOf('=') >= 0) {
            return null;
        }
        boolean std = v.indexOf('+') >= 0 || v.indexOf('/') >= 0;
        boolean url = v.indexOf('-') >= 0 || v.indexOf('_') >= 0;
        if (std && url) {
            return null;
        }
        if (v.length() % 4 == 1) {
            return null;
        }
        try {
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(pad > 0 ? value : v);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] hexDecode(String value) {
        byte[] out = new byte[value.length() / 2];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) Integer.parseInt(value.substring(2 * k, 2 * k + 2), 16);
        }
        return out;
    }

    private static boolean isHexText(String w) {
        return isHex(w, false);
    }

    private static boolean isHex(String s, boolean upperToo) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (upperToo && c >= 'A' && c <= 'F');
            if (!hex) {
                return false;
            }
        }
        return true;
    }

    private static String alnum(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = Character.toLowerCase(s.charAt(k));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
