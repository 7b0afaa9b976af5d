package dev.hardening.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A secret value (key, password, token) that never shows itself by accident.
 *
 * <p>{@link #toString()} prints at most the length and the character class
 * ({@code Secret[44 chars, base64]}); {@link #equals(Object)} is identity, so a secret never
 * takes part in value comparisons through collections or logging frameworks; the class is not
 * {@link java.io.Serializable}. Compare candidates with {@link #matches(CharSequence)} or
 * {@link #matches(byte[])}, which run in time independent of where the inputs differ.
 *
 * <p>A secret may carry the values it replaced ({@link #previous()}), accepted for verification
 * only during a rotation; {@link #candidates()} lists the current value first.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Secret {

    private final char[] value;
    private final List<Secret> previous;

    private Secret(char[] value, List<Secret> previous) {
        this.value = value;
        this.previous = previous;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the value; must be non-null and non-empty
     * @return the secret, with no previous values
     * @throws IllegalArgumentException if the value is empty (the message never contains it)
     */
    public static Secret of(CharSequence value) {
        Objects.requireNonNull(value, "value");
        if (value.length() == 0) {
            throw new IllegalArgumentException("secret: empty (expected: at least one character)");
        }
        char[] copy = new char[value.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = value.charAt(i);
        }
        return new Secret(copy, List.of());
    }

    /**
     * Returns a copy of this secret that also accepts the given previous values for verification.
     * Previous values of the given secrets are ignored; rotation keeps one level.
     *
     * @param previousValues rotated-out values, newest first; may be empty, must not contain null
     * @return a new secret with the same current value
     */
    public Secret withPrevious(List<Secret> previousValues) {
        List<Secret> flat = new ArrayList<>(previousValues.size());
        for (Secret s : previousValues) {
            flat.add(new Secret(s.value, List.of()));
        }
        return new Secret(value, Collections.unmodifiableList(flat));
    }

    /**
     * The value, as a new string. Call it only where the value is used (a MAC key, a driver's
     * password parameter); never log or print the result.
     *
     * @return the secret value
     */
    public String reveal() {
        return new String(value);
    }

    /**
     * The value encoded as UTF-8, in a new array the caller owns (and may zero after use).
     *
     * @return the UTF-8 bytes of the value
     */
    public byte[] bytes() {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        return out;
    }

    /** @return the number of UTF-16 characters in the value (safe to print) */
    public int length() {
        return value.length;
    }

    /**
     * Compares a candidate with the current value in constant time (for equal-length inputs the
     * time does not depend on where they differ; different lengths are rejected after the same
     * amount of work).
     *
     * @param candidate the value to check; null never matches
     * @return whether the candidate equals the current value
     */
    public boolean matches(CharSequence candidate) {
        if (candidate == null) {
            return false;
        }
        int diff = candidate.length() ^ value.length;
        for (int i = 0; i < value.length; i++) {
            char c = i < candidate.length() ? candidate.charAt(i) : 0;
            diff |= c ^ value[i];
        }
        return diff == 0;
    }

    /**
     * Compares a byte candidate with the UTF-8 encoding of the current value in constant time.
     *
     * @param candidate the bytes to check; null never matches
     * @return whether the candidate equals the value's UTF-8 bytes
     */
    public boolean matches(byte[] candidate) {
        if (candidate == null) {
            return false;
        }
        byte[] mine = bytes();
        try {
            return MessageDigest.isEqual(mine, candidate);
        } finally {
            Arrays.fill(mine, (byte) 0);
        }
    }

    /**
     * Whether the candidate equals the current value or one of the previous values, each compared
     * in constant time; all candidates are always compared.
     *
     * @param candidate the value to check; null never matches
     * @return whether any accepted value matches
     */
    public boolean matchesAny(CharSequence candidate) {
        boolean any = false;
        for (Secret s : candidates()) {
            any |= s.matches(candidate);
        }
        return any;
    }

    /** @return the rotated-out values accepted for verification, newest first; never null */
    public List<Secret> previous() {
        return previous;
    }

    /** @return the current value followed by the previous ones; never empty */
    public List<Secret> candidates() {
        List<Secret> all = new ArrayList<>(1 + previous.size());
        all.add(new Secret(value, List.of()));
        all.addAll(previous);
        return Collections.unmodifiableList(all);
    }

    /**
     * A description safe to print: length and character class, nothing of the content.
     *
     * @return for example {@code 44 chars, base64}
     */
    public String describe() {
        return value.length + " chars, " + characterClass(value);
    }

    /** Identity comparison: a secret is never equal to another object by value. */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** @return {@code Secret[<length> chars, <class>]}, never the value */
    @Override
    public String toString() {
        return "Secret[" + describe() + "]";
    }

    static String characterClass(char[] v) {
        boolean hex = v.length > 0;
        boolean base64 = v.length > 0;
        boolean alnum = v.length > 0;
        boolean printable = true;
        for (char c : v) {
            boolean digit = c >= '0' && c <= '9';
            boolean lowerHex = c >= 'a' && c <= 'f';
            boolean upperHex = c >= 'A' && c <= 'F';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            hex &= digit || lowerHex || upperHex;
            alnum &= digit || letter;
            base64 &= digit || letter || c == '+' || c == '/' || c == '-' || c == '_' || c == '=';
            printable &= c >= 0x20 && c < 0x7f;
        }
        if (hex) {
            return "hex";
        }
        if (alnum) {
            return "alphanumeric";
        }
        if (base64) {
            return "base64";
        }
        return printable ? "printable ASCII" : "non-ASCII";
    }
}
