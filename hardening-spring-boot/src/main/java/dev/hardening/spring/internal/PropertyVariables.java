package dev.hardening.spring.internal;

import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Names what an operator sets for a property: the environment variable it was mapped from, when the
 * property's raw value in {@code application.yml} is one placeholder ({@code token-type:
 * ${OIDC_TOKEN_TYPE:any}} names {@code OIDC_TOKEN_TYPE}), else the property itself. The starter's
 * configuration problems are built here, as hardening-config reports its own environment binding: a
 * FAIL line with the {@link ProblemCode} id ({@code HC-E001} missing, {@code HC-E002} unparsable, …),
 * the variable (or property) as subject and the source in the detail ({@code environment variable
 * RATE_LIMIT}, {@code not set}, {@code property hardening.rate-limit.limits}).
 *
 * <p>Reads the raw, unresolved value in the first property source that holds the property; never
 * returns a value itself. Stateless and thread-safe.
 */
public final class PropertyVariables {

    /** The rule of configuration-problem lines, as hardening-config writes it. */
    public static final String CONFIG_RULE = "12-factor III. Config";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::[^}]*)?}");

    private PropertyVariables() {
    }

    /**
     * @param environment Spring's environment; one that is not a {@link ConfigurableEnvironment} names nothing
     * @param property    the property's canonical name ({@code hardening.auth.issuers[0].token-type})
     * @return the placeholder's name when the property's raw value is one placeholder; empty otherwise
     */
    public static Optional<String> variable(Environment environment, String property) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return Optional.empty();
        }
        for (PropertySource<?> source : configurable.getPropertySources()) {
            Object raw = source.getProperty(property);
            if (raw == null) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(raw.toString().strip());
            return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * @param environment Spring's environment
     * @param property    the property's canonical name
     * @return the variable the property was mapped from, else the property
     */
    public static String subject(Environment environment, String property) {
        return variable(environment, property).orElse(property);
    }

    /**
     * Where a property's value came from, for the detail of a report line.
     *
     * @param environment Spring's environment
     * @param property    the property's canonical name
     * @return {@code environment variable NAME} (with {@code (empty)} when it is set but empty), or
     *     {@code not set} when the property was mapped from a variable; else {@code property NAME}
     */
    public static String source(Environment environment, String property) {
        Optional<String> variable = variable(environment, property);
        if (variable.isEmpty()) {
            return "property " + property;
        }
        String value = environment.getProperty(variable.get());
        if (value == null) {
            return "not set";
        }
        return "environment variable " + variable.get() + (value.isEmpty() ? " (empty)" : "");
    }

    /**
     * A property the starter cannot use, as a FAIL line worded as hardening-config's environment
     * binding words it.
     *
     * @param environment Spring's environment
     * @param code        what is wrong
     * @param property    the property's canonical name
     * @param message     what is wrong, never the value when it may be secret
     * @param fix         what to write instead
     * @return {@code FAIL <code> <variable or property> <message> (<source>) | fix}
     */
    public static Finding problem(Environment environment, ProblemCode code, String property, String message, String fix) {
        return Finding.fail(code.id(), CONFIG_RULE, subject(environment, property),
                message + " (" + source(environment, property) + ")", fix);
    }

    /**
     * A required property without a value ({@code HC-E001}).
     *
     * @param environment Spring's environment
     * @param property    the property's canonical name
     * @param what        {@code required setting}, {@code required setting (in production)}, …
     * @return the FAIL line, whose fix names the variable (or the property) to set
     */
    public static Finding missing(Environment environment, String property, String what) {
        String subject = subject(environment, property);
        return problem(environment, ProblemCode.MISSING, property, what + " is missing", "set " + subject);
    }

    /**
     * @param problem a problem of a hardening-config binding the starter ran (its subject is already a variable)
     * @return the FAIL line, as {@code StartupReport.builder(ConfigException)} renders it
     */
    public static Finding line(ConfigProblem problem) {
        return Finding.fail(problem.code().id(), CONFIG_RULE, problem.variable(),
                problem.message() + " (" + problem.source() + ")", problem.fix());
    }

    /**
     * @param value a value that is not secret (a boolean, number, duration or name)
     * @return the value in double quotes, control characters escaped, cut at 60 characters, as
     *     hardening-config quotes values
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(value.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > limit) {
            sb.append("…(").append(value.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }
}
