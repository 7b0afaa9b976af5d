package dev.hardening.config.internal;

import dev.hardening.config.ConfigProblem;
import dev.hardening.config.ProblemCode;
import java.lang.reflect.InvocationTargetException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds the settings record (nested records first) from the bound values. What a record's
 * constructor throws becomes an {@code HC-E007} problem, with every bound secret value scrubbed
 * from the message. One instance per bind; not thread-safe.
 */
final class RecordConstruction {

    private final Map<Schema.Leaf, Object> values;
    private final Collection<String> secretValues;
    private final List<ConfigProblem> problems;

    /**
     * @param values       the bound value of every leaf
     * @param secretValues every secret value bound, to scrub from constructor messages
     * @param problems     where a rejection is recorded
     */
    RecordConstruction(Map<Schema.Leaf, Object> values, Collection<String> secretValues, List<ConfigProblem> problems) {
        this.values = values;
        this.secretValues = secretValues;
        this.problems = problems;
    }

    /**
     * @param node the record's schema
     * @param path the record's name, for messages ({@code Settings.oidc})
     * @return the record, or null when a constructor rejected its values (a problem was recorded)
     * @throws IllegalStateException when the constructor cannot be called at all
     */
    Object construct(Schema.Node node, String path) {
        Object[] args = new Object[node.items().size()];
        for (int i = 0; i < args.length; i++) {
            Object item = node.items().get(i);
            if (item instanceof Schema.Leaf) {
                args[i] = values.get(item);
            } else {
                Schema.Nested nested = (Schema.Nested) item;
                args[i] = construct(nested.node(), path + "." + nested.component());
                if (args[i] == null) {
                    return null;
                }
            }
        }
        try {
            return node.constructor().newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : scrubbed(cause.getMessage());
            problems.add(new ConfigProblem(ProblemCode.INVALID, path, "settings record " + node.type().getSimpleName(),
                    message, "change the settings so that they are consistent"));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(node.type().getName() + ": cannot construct (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private String scrubbed(String message) {
        String out = message;
        for (String s : secretValues) {
            if (s.length() >= 4) {
                out = out.replace(s, "<redacted>");
            }
        }
        return out;
    }
}
