package dev.hardening.config;

import java.util.List;

/**
 * Every problem found while binding configuration, reported at once: one line per problem, each
 * with a stable code, the variable, the source of the value and a fix. Never contains a secret
 * value. The stack trace is not filled in: the message is the whole story.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable code of the exception as a whole. */
    public static final String CODE = "HC-E000";

    private final transient List<ConfigProblem> problems;

    /**
     * @param problems the problems, at least one
     * @throws IllegalArgumentException if the list is empty
     */
    public ConfigException(List<ConfigProblem> problems) {
        super(message(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, in declaration order of the settings */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String message(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: empty (expected: at least one)");
        }
        StringBuilder sb = new StringBuilder(CODE).append(": configuration invalid, ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
