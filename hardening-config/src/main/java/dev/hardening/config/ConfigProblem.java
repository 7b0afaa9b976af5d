package dev.hardening.config;

import java.util.Objects;

/**
 * One problem found while binding configuration. No field ever holds a secret's value.
 *
 * @param code     the stable code
 * @param variable the variable concerned, such as {@code PORT}
 * @param source   where the value came from, such as {@code environment variable PORT}, or
 *                 {@code not set}
 * @param message  what is wrong
 * @param fix      how to fix it
 */
public record ConfigProblem(ProblemCode code, String variable, String source, String message, String fix) {

    /**
     * @param code     the stable code
     * @param variable the variable concerned
     * @param source   where the value came from
     * @param message  what is wrong
     * @param fix      how to fix it
     * @throws NullPointerException if any field is null
     */
    public ConfigProblem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    /** @return the problem as one line: code, variable, source, message, fix */
    @Override
    public String toString() {
        return code.id() + " " + variable + " (" + source + "): " + message + " -> fix: " + fix;
    }
}
