package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.StartupCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.Environment;

/**
 * Turns a {@code hardening.*} value that Spring's binder cannot convert ({@code ALLOW_DEV_ON_NETWORK=perhaps}
 * for a boolean, {@code DRAIN_TIMEOUT=soon} for a duration) into a line of the startup report instead
 * of a failed start: the property keeps its default, and the report shows {@code HC-E002} with the
 * variable the property was mapped from ({@link PropertyVariables}), next to every other problem, so
 * that one boot lists them all. Only conversion failures under {@code hardening} and of
 * {@code server.port} are taken; every other binding failure stays Spring's. The value is quoted only for booleans, numbers, durations and
 * enums (never a string, which may be secret). Thread-safe.
 */
public final class PropertyBindFailures implements ConfigurationPropertiesBindHandlerAdvisor, StartupCheck {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("hardening");
    /** Boot's own {@code server.port}: a value that is not a number is reported too (the report refuses the start). */
    private static final ConfigurationPropertyName PORT = ConfigurationPropertyName.of("server.port");

    private final Environment environment;
    private final Map<String, Finding> failures = new LinkedHashMap<>();

    /**
     * @param environment Spring's environment (the variable a property was mapped from, the value it resolved to)
     */
    public PropertyBindFailures(Environment environment) {
        this.environment = environment;
    }

    @Override
    public BindHandler apply(BindHandler handler) {
        return new AbstractBindHandler(handler) {
            @Override
            public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
                    throws Exception {
                if (!(ROOT.isAncestorOf(name) || PORT.equals(name)) || !(error instanceof ConversionException)) {
                    return super.onFailure(name, target, context, error);
                }
                record(name.toString(), target.getType().resolve(Object.class));
                return null; // not bound: the property keeps its default; the report refuses the start
            }
        };
    }

    private void record(String property, Class<?> type) {
        String value = environment.getProperty(property);
        String shown = value == null ? "the value" : PropertyVariables.quote(value.strip());
        String message;
        String fix;
        if (type == Boolean.class || type == boolean.class) {
            message = shown + " is not a boolean";
            fix = "write true or false";
        } else if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            message = shown + " is not a whole number";
            fix = "write digits only, for example 8080";
        } else if (type == Duration.class) {
            message = shown + " is not a duration";
            fix = "write a number with a unit (500ms, 30s, 5m, 2h, 1d) or ISO-8601 such as PT30S";
        } else if (type.isEnum()) {
            String names = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            message = shown + " is not one of " + names;
            fix = "write one of " + names;
        } else {
            message = "the value cannot be read as " + type.getSimpleName();
            fix = "see the property's documentation";
        }
        Finding line = PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, property, message, fix);
        synchronized (failures) {
            failures.putIfAbsent(property, line);
        }
    }

    /** @return one {@code HC-E002} FAIL line per property that could not be converted, in binding order */
    @Override
    public List<Finding> findings(AppEnvironment mode) {
        synchronized (failures) {
            return new ArrayList<>(failures.values());
        }
    }
}
