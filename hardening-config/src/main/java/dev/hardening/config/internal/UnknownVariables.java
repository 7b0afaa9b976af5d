package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names that are set but match no setting: under the application's prefix (and anywhere in the
 * .env file) an {@code HC-E005} problem with a "did you mean"; without a prefix, near misses of a
 * setting name become {@code HC-C001} warnings. {@code SILENCE_*} variables are the report's, never
 * unknown. Also finds the near miss a missing setting's message points to. One instance per bind;
 * not thread-safe.
 */
final class UnknownVariables {

    private final Sources sources;
    private final String prefix;
    private final Set<String> known;

    /**
     * @param sources      the sources
     * @param prefix       the application's prefix, possibly empty
     * @param leaves       the declared settings
     * @param allowUnknown names expected under the prefix that are not settings
     */
    UnknownVariables(Sources sources, String prefix, List<Schema.Leaf> leaves, Set<String> allowUnknown) {
        this.sources = sources;
        this.prefix = prefix;
        Set<String> names = new TreeSet<>();
        names.add(AppEnvironment.VARIABLE);
        for (Schema.Leaf l : leaves) {
            names.add(l.env());
            names.add(l.env() + "_FILE");
            if (l.secret()) {
                names.add(l.env() + "_PREVIOUS");
                names.add(l.env() + "_PREVIOUS_FILE");
            }
        }
        names.addAll(allowUnknown);
        this.known = names;
    }

    private boolean isKnown(String name) {
        return known.contains(name) || SilenceVariables.isSilence(name);
    }

    /**
     * Records the unknown names.
     *
     * @param problems where unknown names under the prefix or in the .env file go
     * @param findings where near misses go when there is no prefix
     */
    void scan(List<ConfigProblem> problems, List<Finding> findings) {
        if (!prefix.isEmpty()) {
            report(sources.environment().keySet(), "environment variable ", problems);
            report(sources.properties().keySet(), "system property ", problems);
        }
        for (Map.Entry<String, Dotenv.Entry> e : sources.dotenv().entrySet()) {
            if (!isKnown(e.getKey())) {
                problems.add(unknown(e.getKey(), ".env file " + sources.dotenvPath() + " line " + e.getValue().line()));
            }
        }
        if (prefix.isEmpty()) {
            for (String name : new TreeSet<>(sources.environment().keySet())) {
                if (isKnown(name)) {
                    continue;
                }
                String near = closestDeclared(name);
                if (near != null) {
                    findings.add(Finding.warn("HC-C001", Binder.FACTOR_III, name, "environment variable " + name
                            + " is not a setting; did you mean " + near + "?", "rename it to " + near + " or unset it"));
                }
            }
        }
    }

    private void report(Set<String> names, String kind, List<ConfigProblem> problems) {
        for (String name : new TreeSet<>(names)) {
            if (name.startsWith(prefix) && !isKnown(name)) {
                problems.add(unknown(name, kind + name));
            }
        }
    }

    private ConfigProblem unknown(String name, String source) {
        String near = Names.closest(name, known, Math.max(3, Names.typoTolerance(name)));
        return new ConfigProblem(ProblemCode.UNKNOWN, name, source,
                "matches no setting" + (near == null ? "" : "; did you mean " + near + "?"),
                near == null ? "remove it, or declare it as a setting" : "rename it to " + near);
    }

    private String closestDeclared(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = Names.distance(name, k);
            if (d > 0 && d <= Names.typoTolerance(k) && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * @param wanted a missing setting's variable
     * @return a set name that is not a setting and is a likely typo of {@code wanted}, or null
     */
    String nearMiss(String wanted) {
        for (String c : sources.allNames()) {
            int d = Names.distance(c, wanted);
            if (d > 0 && d <= Names.typoTolerance(wanted) && !isKnown(c)) {
                return c;
            }
        }
        return null;
    }
}
