package dev.hardening.spring.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Names the environment variable a property was mapped from, so that a report line says what an
 * operator sets: for {@code token-type: ${OIDC_TOKEN_TYPE:any}} in {@code application.yml},
 * {@code hardening.auth.issuers[0].token-type (OIDC_TOKEN_TYPE)}. Reads the raw, unresolved value in
 * the first property source that holds the property; only a value that is exactly one placeholder
 * ({@code ${NAME}} or {@code ${NAME:default}}) names a variable. Never reads or returns the value
 * itself. Stateless and thread-safe.
 */
public final class PropertyVariables {

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
     * @return {@code property (VARIABLE)} when the property was mapped from a variable, else {@code property}
     */
    public static String describe(Environment environment, String property) {
        return variable(environment, property).map(v -> property + " (" + v + ")").orElse(property);
    }
}
