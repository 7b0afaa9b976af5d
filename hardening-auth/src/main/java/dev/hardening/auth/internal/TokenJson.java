package dev.hardening.auth.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for the JSON object in a JWS header or JWT payload, reading the decoded
 * UTF-8 bytes directly. Stricter than a general-purpose parser: the text must be one object
 * (optionally surrounded by whitespace), member names must be unique, nesting is bounded
 * ({@value #MAX_DEPTH} levels), the bytes must be valid UTF-8 and control characters must be
 * escaped. Values become {@link String}, {@link Long} (integers that fit) or {@link Double} (any
 * other finite number), {@link Boolean}, {@code null}, {@link List} and {@link Map} (member order
 * kept), the same types the verifier used to receive from Nimbus' Gson with
 * {@code ToNumberPolicy.LONG_OR_DOUBLE}. Stateless and thread-safe; one parser object per call.
 */
final class TokenJson {

    /** Most nested objects/arrays accepted, counting the top-level object. */
    static final int MAX_DEPTH = 64;

    /** The text is not a single, strictly valid JSON object. */
    static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] in;
    private final int end;
    private int pos;
    private char[] scratch;

    private TokenJson(byte[] in) {
        this.in = in;
        this.end = in.length;
    }

    /**
     * @param utf8 the encoded JSON text
     * @return the object's members, in document order; a new, mutable map owned by the caller
     * @throws MalformedJsonException if the text is not exactly one strictly valid JSON object
     */
    static Map<String, Object> parseObject(byte[] utf8) throws MalformedJsonException {
        TokenJson p = new TokenJson(utf8);
        p.skipWhitespace();
        if (p.pos >= p.end || p.in[p.pos] != '{') {
            throw new MalformedJsonException("not an object");
        }
        if (!isUtf8(utf8)) {
            throw new MalformedJsonException("not UTF-8");
        }
        Map<String, Object> out = p.object(1);
        p.skipWhitespace();
        if (p.pos != p.end) {
            throw new MalformedJsonException("data after the object");
        }
        return out;
    }

    /**
     * Whether the bytes are well-formed UTF-8 (Unicode Table 3-7): no overlong forms, no encoded
     * surrogates, nothing above U+10FFFF, no truncated or stray continuation bytes.
     */
    static boolean isUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int len;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
            } else {
                return false;
            }
            if (n - i < len) {
                return false;
            }
            int c1 = b[i + 1] & 0xff;
            if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) {
                return false;
            }
            for (int k = 1; k < len; k++) {
                if ((b[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += len;
        }
        return true;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = in[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private byte next() throws MalformedJsonException {
        skipWhitespace();
        if (pos >= end) {
            throw new MalformedJsonException("unexpected end");
        }
        return in[pos];
    }

    private void expect(byte c) throws MalformedJsonException {
        if (next() != c) {
            throw new MalformedJsonException("expected '" + (char) c + "'");
        }
        pos++;
    }

    /** At '{'. */
    private Map<String, Object> object(int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException("nested too deeply");
        }
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        if (next() == '}') {
            pos++;
            return out;
        }
        while (true) {
            if (next() != '"') {
                throw new MalformedJsonException("expected a member name");
            }
            String name = string();
            expect((byte) ':');
            Object value = value(depth);
            if (out.containsKey(name)) {
                throw new MalformedJsonException("duplicate member name");
            }
            out.put(name, value);
            byte c = next();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw new MalformedJsonException("expected ',' or '}'");
            }
        }
    }

    /** At '['. */
    private List<Object> array(int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException("nested too deeply");
        }
        pos++;
        List<Object> out = new ArrayList<>();
        if (next() == ']') {
            pos++;
            return out;
        }
        while (true) {
            out.add(value(depth));
            byte c = next();
            pos++;
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw new MalformedJsonException("expected ',' or ']'");
            }
        }
    }

    private Object value(int depth) throws MalformedJsonException {
        byte c = next();
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new MalformedJsonException("unexpected character");
        }
    }

    private void literal(String word) throws MalformedJsonException {
        int n = word.length();
        if (end - pos < n) {
            throw new MalformedJsonException("bad literal");
        }
        for (int i = 0; i < n; i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw new MalformedJsonException("bad literal");
            }
        }
        pos += n;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
    private Object number() throws MalformedJsonException {
        int start = pos;
        boolean integral = true;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos < end && in[pos] == '0') {
            pos++;
        } else if (digits() == 0) {
            throw new MalformedJsonException("bad number");
        }
        if (pos < end && in[pos] == '.') {
            pos++;
            integral = false;
            if (digits() == 0) {
                throw new MalformedJsonException("bad number");
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            integral = false;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw new MalformedJsonException("bad number");
            }
        }
        String text = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        if (integral && pos - start <= 20) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // out of range for a long: a double below
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            throw new MalformedJsonException("number out of range");
        }
        return d;
    }

    private int digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    /** At '"'; the bytes are valid UTF-8. */
    private String string() throws MalformedJsonException {
        int start = ++pos;
        while (pos < end) {
            byte c = in[pos];
            if (c == '"') {
                pos++;
                return new String(in, start, pos - 1 - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            pos++;
        }
        pos = start;
        return slowString();
    }

    /** Strings with escapes or non-ASCII characters; at the first character after '"'. */
    private String slowString() throws MalformedJsonException {
        if (scratch == null || scratch.length < end - pos) {
            scratch = new char[end - pos];
        }
        int n = 0;
        while (pos < end) {
            int c = in[pos] & 0xff;
            if (c == '"') {
                pos++;
                return new String(scratch, 0, n);
            }
            if (c < 0x20) {
                throw new MalformedJsonException("unescaped control character");
            }
            if (c == '\\') {
                if (pos + 1 >= end) {
                    break;
                }
                byte e = in[pos + 1];
                pos += 2;
                switch (e) {
                    case '"': scratch[n++] = '"'; break;
                    case '\\': scratch[n++] = '\\'; break;
                    case '/': scratch[n++] = '/'; break;
                    case 'b': scratch[n++] = '\b'; break;
                    case 'f': scratch[n++] = '\f'; break;
                    case 'n': scratch[n++] = '\n'; break;
                    case 'r': scratch[n++] = '\r'; break;
                    case 't': scratch[n++] = '\t'; break;
                    case 'u':
                        scratch[n++] = (char) hex4();
                        break;
                    default:
                        throw new MalformedJsonException("bad escape");
                }
            } else if (c < 0x80) {
                scratch[n++] = (char) c;
                pos++;
            } else {
                int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
                String s = new String(in, pos, len, StandardCharsets.UTF_8);
                for (int i = 0; i < s.length(); i++) {
                    scratch[n++] = s.charAt(i);
                }
                pos += len;
            }
        }
        throw new MalformedJsonException("unterminated string");
    }

    private int hex4() throws MalformedJsonException {
        if (end - pos < 4) {
            throw new MalformedJsonException("bad escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(in[pos + i], 16);
            if (d < 0) {
                throw new MalformedJsonException("bad escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return v;
    }
}
