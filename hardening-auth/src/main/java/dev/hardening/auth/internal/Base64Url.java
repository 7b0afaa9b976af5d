package dev.hardening.auth.internal;

import java.util.Arrays;
import java.util.Base64;

/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5 without padding): only {@code A-Z a-z 0-9 - _},
 * no padding, no whitespace, a length that can encode whole bytes, and zero unused trailing bits,
 * so that every byte string has exactly one accepted encoding. Stateless and thread-safe.
 */
final class Base64Url {

    /** The 6-bit value of each ASCII character, or -1 outside the base64url alphabet. */
    private static final byte[] VALUE = new byte[128];

    static {
        Arrays.fill(VALUE, (byte) -1);
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < chars.length(); i++) {
            VALUE[chars.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {
    }

    private static int value(CharSequence s, int i) {
        char c = s.charAt(i);
        return c < 128 ? VALUE[c] : -1;
    }

    /**
     * Decodes {@code s[from, to)} if it is canonical base64url, in one pass and without copying
     * the text.
     *
     * @return the bytes, or null if the text is not canonical
     */
    public static byte[] decodeStrict(CharSequence s, int from, int to) {
        int len = to - from;
        int rem = len % 4;
        if (rem == 1) {
            return null;
        }
        byte[] out = new byte[len / 4 * 3 + (rem == 0 ? 0 : rem - 1)];
        int o = 0;
        int i = from;
        int fullEnd = to - rem;
        while (i < fullEnd) {
            int a = value(s, i);
            int b = value(s, i + 1);
            int c = value(s, i + 2);
            int d = value(s, i + 3);
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (bits >> 16);
            out[o++] = (byte) (bits >> 8);
            out[o++] = (byte) bits;
            i += 4;
        }
        if (rem == 2) {
            int a = value(s, i);
            int b = value(s, i + 1);
            if ((a | b) < 0 || (b & 0x0f) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (rem == 3) {
            int a = value(s, i);
            int b = value(s, i + 1);
            int c = value(s, i + 2);
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            int bits = a << 12 | b << 6 | c;
            out[o++] = (byte) (bits >> 10);
            out[o] = (byte) (bits >> 2);
        }
        return out;
    }

    /** @return the unpadded base64url encoding of the bytes */
    public static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
