package dev.hardening.config.internal;

import dev.hardening.config.ConfigProblem;
import dev.hardening.config.ProblemCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The declared bounds of a converted value: {@code @Size} on strings and lists, {@code @Range} on
 * numbers (each list item), {@code @DurationRange} on durations (each list item). Stateless and
 * thread-safe.
 */
final class Constraints {

    private Constraints() {
    }

    /**
     * @param leaf     the setting and its bounds
     * @param value    the converted value
     * @param source   where the value came from, for the message
     * @param problems where a violation is recorded
     * @return whether the value is within its bounds
     */
    static boolean check(Schema.Leaf leaf, Object value, String source, List<ConfigProblem> problems) {
        if (leaf.size() != null) {
            int size = value instanceof String ? ((String) value).length() : ((List<?>) value).size();
            String what = value instanceof String ? "length" : "number of items";
            if (size < leaf.size().min() || size > leaf.size().max()) {
                problems.add(new ConfigProblem(ProblemCode.OUT_OF_RANGE, leaf.env(), source,
                        what + " " + size + " is outside " + leaf.size().min() + ".." + leaf.size().max(),
                        "use a value with a " + what + " between " + leaf.size().min() + " and " + leaf.size().max()));
                return false;
            }
        }
        Collection<?> elements = value instanceof List ? (List<?>) value : List.of(value);
        int index = 0;
        for (Object element : elements) {
            index++;
            String item = value instanceof List ? "item " + index + ": " : "";
            if (leaf.range() != null && element instanceof Number) {
                long n = ((Number) element).longValue();
                if (n < leaf.range().min() || n > leaf.range().max()) {
                    problems.add(new ConfigProblem(ProblemCode.OUT_OF_RANGE, leaf.env(), source,
                            item + n + " is outside " + bound(leaf.range().min()) + ".." + bound(leaf.range().max()),
                            "use a number from " + bound(leaf.range().min()) + " to " + bound(leaf.range().max())));
                    return false;
                }
            }
            if (element instanceof Duration) {
                Duration d = (Duration) element;
                if ((leaf.durationMin() != null && d.compareTo(leaf.durationMin()) < 0)
                        || (leaf.durationMax() != null && d.compareTo(leaf.durationMax()) > 0)) {
                    String range = (leaf.durationMin() == null ? "0" : human(leaf.durationMin())) + ".."
                            + (leaf.durationMax() == null ? "unbounded" : human(leaf.durationMax()));
                    problems.add(new ConfigProblem(ProblemCode.OUT_OF_RANGE, leaf.env(), source,
                            item + human(d) + " is outside " + range, "use a duration in " + range));
                    return false;
                }
            }
        }
        return true;
    }

    private static String bound(long b) {
        return b == Long.MIN_VALUE ? "-inf" : b == Long.MAX_VALUE ? "+inf" : Long.toString(b);
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
