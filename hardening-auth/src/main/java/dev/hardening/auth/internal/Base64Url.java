package dev.hardening.auth.internal;

import java.util.Base64;

/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5 without padding): only {@code A-Z a-z 0-9 - _},
 * no padding, no whitespace, a length that can encode whole bytes, and zero unused trailing bits,
 * so that every byte string has exactly one accepted encoding. Stateless and thread-safe.
 */
public final class Base64Url {

    private static final boolean[] ALPHABET = new boolean[128];
    private static final int[] VALUE = new int[128];

    static {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < chars.length(); i++) {
            ALPHABET[chars.charAt(i)] = true;
            VALUE[chars.charAt(i)] = i;
        }
    }

    private Base64Url() {
    }

    /**
     * Decodes {@code s[from, to)} if it is canonical base64url.
     *
     * @return the bytes, or null if the text is not canonical
     */
    public static byte[] decodeStrict(CharSequence s, int from, int to) {
        int len = to - from;
        if (len % 4 == 1) {
            return null;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !ALPHABET[c]) {
                return null;
            }
        }
        if (len > 0) {
            int last = VALUE[s.charAt(to - 1)];
            if (len % 4 == 2 && (last & 0x0f) != 0) {
                return null;
            }
            if (len % 4 == 3 && (last & 0x03) != 0) {
                return null;
            }
        }
        return Base64.getUrlDecoder().decode(s.subSequence(from, to).toString());
    }

    /** @return the unpadded base64url encoding of the bytes */
    public static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
