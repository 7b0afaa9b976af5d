package dev.hardening.config;

import java.util.List;

/**
 * Every problem found while binding configuration, reported at once: one line per problem, each
 * with a stable code, the variable, the source of the value and a fix; then every FAIL among the
 * findings that could still be computed (a weak secret in production, say), so that fixing one
 * problem never reveals the next one boot later. Never contains a secret value. The stack trace is
 * not filled in: the message is the whole story.
 *
 * <p>{@link StartupReport#builder(ConfigException)} turns it into a startup report: the problems
 * become FAIL lines with their {@code HC-E} codes, beside the findings and the components' own.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable code of the exception as a whole. */
    public static final String CODE = "HC-E000";

    private final transient List<ConfigProblem> problems;
    private final transient AppEnvironment environment;
    private final transient List<Finding> findings;
    private final transient List<StartupReport.Silence> silences;

    /**
     * A failure with problems only, for production.
     *
     * @param problems the problems, at least one
     * @throws IllegalArgumentException if the list is empty
     */
    public ConfigException(List<ConfigProblem> problems) {
        this(problems, AppEnvironment.PRODUCTION, List.of(), List.of());
    }

    /**
     * @param problems    the problems, at least one
     * @param environment the environment resolved from {@code APP_ENV}
     * @param findings    the configuration findings computed despite the problems (the message lists their FAILs)
     * @param silences    the operator's silences that were read
     * @throws IllegalArgumentException if {@code problems} is empty
     * @throws NullPointerException     if any argument is null
     */
    public ConfigException(List<ConfigProblem> problems, AppEnvironment environment, List<Finding> findings,
                           List<StartupReport.Silence> silences) {
        super(message(problems, findings), null, false, false);
        this.problems = List.copyOf(problems);
        this.environment = Checks.notNull(environment, "environment");
        this.findings = List.copyOf(findings);
        this.silences = List.copyOf(silences);
    }

    /** @return every problem, in declaration order of the settings */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** @return the environment resolved from {@code APP_ENV} */
    public AppEnvironment environment() {
        return environment;
    }

    /** @return the configuration findings computed despite the problems (environment mode, secret strength, ...) */
    public List<Finding> findings() {
        return findings;
    }

    /** @return the operator's well-formed silences ({@code SILENCE_*}); malformed ones are among the problems */
    public List<StartupReport.Silence> silences() {
        return silences;
    }

    private static String message(List<ConfigProblem> problems, List<Finding> findings) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: empty (expected: at least one)");
        }
        int failing = 0;
        for (Finding f : findings) {
            if (f.status() == FindingStatus.FAIL) {
                failing++;
            }
        }
        StringBuilder sb = new StringBuilder(CODE).append(": configuration invalid, ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        if (failing > 0) {
            sb.append(", ").append(failing).append(failing == 1 ? " failing check" : " failing checks");
        }
        for (ConfigProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        for (Finding f : findings) {
            if (f.status() == FindingStatus.FAIL) {
                sb.append("\n  ").append(f.id()).append(' ').append(f.subject()).append(": ").append(f.detail());
                if (!f.fix().isEmpty()) {
                    sb.append(" -> fix: ").append(f.fix());
                }
            }
        }
        return sb.toString();
    }
}
