package dev.hardening.config;

import java.util.List;
import java.util.Optional;

/**
 * Every problem found while binding configuration, reported at once: one line per problem, each
 * with a stable code, the variable, the source of the value and a fix; then every FAIL among the
 * findings that could still be computed (a weak secret in production, say), so that fixing one
 * problem never reveals the next one boot later. Never contains a secret value. The stack trace is
 * not filled in: the message is the whole story.
 *
 * <p>{@link StartupReport#builder(ConfigException)} turns it into a startup report: the problems
 * become FAIL lines with their {@code HC-E} codes, beside the findings and the components' own;
 * {@link #partialSettings(Class)} gives the settings as far as they bound, to build those components.
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
    private final transient Record partialSettings;

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
        this(problems, environment, findings, silences, null);
    }

    /**
     * @param problems        the problems, at least one
     * @param environment     the environment resolved from {@code APP_ENV}
     * @param findings        the configuration findings computed despite the problems
     * @param silences        the operator's silences that were read
     * @param partialSettings the settings record as far as it bound (see {@link #partialSettings(Class)}), or null
     * @throws IllegalArgumentException if {@code problems} is empty, or {@code partialSettings} is not a record
     * @throws NullPointerException     if any argument but {@code partialSettings} is null
     */
    public ConfigException(List<ConfigProblem> problems, AppEnvironment environment, List<Finding> findings,
                           List<StartupReport.Silence> silences, Object partialSettings) {
        super(message(problems, findings), null, false, false);
        this.problems = List.copyOf(problems);
        this.environment = Checks.notNull(environment, "environment");
        this.findings = List.copyOf(findings);
        this.silences = List.copyOf(silences);
        if (partialSettings != null && !(partialSettings instanceof Record)) {
            throw new IllegalArgumentException("partialSettings: " + partialSettings.getClass().getSimpleName()
                    + " is not a record (expected: the settings record, or null)");
        }
        this.partialSettings = (Record) partialSettings;
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

    /**
     * The settings as far as they bound, so that the application can still build its components and
     * report their findings in the same report as these problems (SAMPLE.md: every problem in one
     * boot). Every setting that bound holds its value; one that failed holds what an unset setting
     * would: empty for an {@code Optional}, else its default ({@code @DevDefault} outside production)
     * when that is valid, else null ({@code 0} or {@code false} for a primitive). A finding computed
     * from a failed setting therefore describes its fallback; the problem's own line names the
     * setting.
     *
     * <p><strong>Only for computing findings:</strong> never serve with these settings, and never
     * let the report built from this exception pass (its configuration errors are FAIL lines that
     * cannot be silenced, so {@link StartupReport#enforce()} refuses it).
     *
     * @param type the settings record class that was bound
     * @param <T>  the record type
     * @return the partial settings; empty when the bind was of another type, when the record's
     *     constructor rejects the fallback values, or when the exception was not thrown by a bind
     * @throws NullPointerException if {@code type} is null
     */
    public <T extends Record> Optional<T> partialSettings(Class<T> type) {
        Checks.notNull(type, "type");
        return type.isInstance(partialSettings) ? Optional.of(type.cast(partialSettings)) : Optional.empty();
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
