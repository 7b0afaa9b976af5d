package dev.hardening.config;

import dev.hardening.config.internal.Binder;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings bound by {@link HardeningConfig#bind(Class)}: the record, the environment, and the
 * configuration's own findings (environment mode, secret strength, reuse, file permissions,
 * generated dev secrets, likely typos) for the {@link StartupReport}.
 *
 * @param <T> the settings record type
 * <p>Immutable and thread-safe.
 */
public final class BoundConfig<T extends Record> implements StartupCheck {

    private final T settings;
    private final AppEnvironment environment;
    private final List<Finding> findings;
    private final List<Binder.Described> described;

    BoundConfig(T settings, AppEnvironment environment, List<Finding> findings, List<Binder.Described> described) {
        this.settings = settings;
        this.environment = environment;
        this.findings = findings;
        this.described = described;
    }

    /** @return the validated settings */
    public T settings() {
        return settings;
    }

    /** @return the environment resolved from {@code APP_ENV} */
    public AppEnvironment environment() {
        return environment;
    }

    /** @return the configuration findings, computed for {@link #environment()} */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * The configuration findings. The environment argument is ignored: the findings were computed
     * for the environment the configuration itself resolved.
     */
    @Override
    public List<Finding> findings(AppEnvironment ignored) {
        return findings;
    }

    /**
     * A table of every setting, where its value came from and the value as it may be printed:
     * secrets show only length and class, URI passwords are hidden.
     *
     * @return the table, one line per setting
     */
    public String describe() {
        int w1 = 8;
        int w2 = 6;
        for (Binder.Described d : described) {
            w1 = Math.max(w1, d.variable().length());
            w2 = Math.max(w2, d.source().length());
        }
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VARIABLE", "SOURCE", "VALUE"});
        for (Binder.Described d : described) {
            rows.add(new String[] {d.variable(), d.source(), d.display()});
        }
        for (String[] r : rows) {
            sb.append(r[0]).append(" ".repeat(w1 - r[0].length() + 2)).append(r[1])
                    .append(" ".repeat(w2 - r[1].length() + 2)).append(r[2]).append('\n');
        }
        return sb.toString();
    }

    /** @return the settings' own {@code toString()}, in which secrets are redacted */
    @Override
    public String toString() {
        return "BoundConfig[" + environment + ", " + settings + "]";
    }
}
