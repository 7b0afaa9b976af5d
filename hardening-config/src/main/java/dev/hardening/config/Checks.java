package dev.hardening.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks every hardening builder uses, so that each option fails the same way with
 * the same message shape, naming the option, the bad value and what was expected:
 * {@code clock: already set}, {@code timeout: PT-1S (expected: > PT0S)}, {@code name: null}.
 *
 * <p>Builders keep options {@code null} until set, call {@link #setOnce} in each setter (an option
 * set twice is a mistake, not "last call wins") and apply documented defaults in {@code build()}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks that a builder option is set once and to a non-null value.
     *
     * @param current the option's current value, {@code null} while unset
     * @param value   the new value
     * @param option  the option's name, used in the message
     * @param <T>     the option's type
     * @return {@code value}
     * @throws IllegalStateException if {@code current} is not {@code null} ({@code "option: already set"})
     * @throws NullPointerException  if {@code value} is {@code null} ({@code "option: null"})
     */
    public static <T> T setOnce(T current, T value, String option) {
        if (current != null) {
            throw new IllegalStateException(option + ": already set");
        }
        return Objects.requireNonNull(value, () -> option + ": null");
    }

    /**
     * @param value  the value
     * @param option the option's name
     * @param <T>    the value's type
     * @return {@code value}
     * @throws NullPointerException if {@code value} is {@code null} ({@code "option: null"})
     */
    public static <T> T notNull(T value, String option) {
        return Objects.requireNonNull(value, () -> option + ": null");
    }

    /**
     * @param value  a duration
     * @param option the option's name
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is zero or negative
     * @throws NullPointerException     if {@code value} is {@code null}
     */
    public static Duration positive(Duration value, String option) {
        notNull(value, option);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: > PT0S)");
        }
        return value;
    }

    /**
     * @param value  a duration
     * @param option the option's name
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is negative
     * @throws NullPointerException     if {@code value} is {@code null}
     */
    public static Duration nonNegative(Duration value, String option) {
        notNull(value, option);
        if (value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: >= PT0S)");
        }
        return value;
    }

    /**
     * @param value  a number
     * @param min    the smallest allowed value
     * @param max    the largest allowed value
     * @param option the option's name
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is outside {@code [min, max]}
     */
    public static long inRange(long value, long min, long max, String option) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: " + min + " to " + max + ")");
        }
        return value;
    }

    /**
     * Checks a component name (a drain participant, a policy, a job): 1 to 64 characters of
     * letters, digits, {@code . _ - :}, so it is safe in logs, reports and metric tags.
     *
     * @param value  the name
     * @param option the option's name
     * @return {@code value}
     * @throws IllegalArgumentException if the name is empty, longer than 64 characters or has other characters
     * @throws NullPointerException     if {@code value} is {@code null}
     */
    public static String name(String value, String option) {
        notNull(value, option);
        if (value.isEmpty() || value.length() > 64) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: 1 to 64 characters)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == ':';
            if (!ok) {
                throw new IllegalArgumentException(option + ": '" + value + "' (expected: letters, digits, '.', '_', '-' or ':')");
            }
        }
        return value;
    }
}
