package dev.hardening.config;

import dev.hardening.config.internal.Binder;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings bound by {@link HardeningConfig#bind(Class)}: the record, the environment, the
 * configuration's own findings (environment mode, secret strength, reuse, file permissions,
 * generated dev secrets, likely typos, where each rotating secret comes from) and the operator's
 * silences, for the {@link StartupReport} ({@link StartupReport#builder(BoundConfig)}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the settings record type
 */
public final class BoundConfig<T extends Record> implements StartupCheck {

    private final T settings;
    private final AppEnvironment environment;
    private final List<Finding> findings;
    private final List<Binder.Described> described;
    private final List<StartupReport.Silence> silences;
    private final List<RotatingSecret> rotating;

    BoundConfig(T settings, Binder.Result result) {
        this.settings = settings;
        this.environment = result.environment();
        this.findings = result.findings();
        this.described = result.described();
        this.silences = result.silences();
        this.rotating = result.rotating();
    }

    /** @return the validated settings */
    public T settings() {
        return settings;
    }

    /** @return the environment resolved from {@code APP_ENV} */
    public AppEnvironment environment() {
        return environment;
    }

    /**
     * The configuration findings, computed for {@link #environment()}: those of the bind, then each
     * rotating secret's current ones ({@code HC-S005} its source, {@code HC-S006} a rejected change).
     *
     * @return the findings
     */
    public List<Finding> findings() {
        if (rotating.isEmpty()) {
            return findings;
        }
        List<Finding> all = new ArrayList<>(findings);
        for (RotatingSecret r : rotating) {
            all.addAll(r.findings(environment));
        }
        return List.copyOf(all);
    }

    /**
     * The configuration findings. The environment argument is ignored: the findings were computed
     * for the environment the configuration itself resolved.
     */
    @Override
    public List<Finding> findings(AppEnvironment ignored) {
        return findings();
    }

    /**
     * The operator's silences from {@code SILENCE_<ID>=YYYY-MM-DD reason} variables, read from the
     * same sources as the settings; {@link StartupReport#builder(BoundConfig)} applies them.
     *
     * @return the silences, sorted by variable name
     */
    public List<StartupReport.Silence> silences() {
        return silences;
    }

    /** @return the rotating secrets among the settings, in declaration order */
    public List<RotatingSecret> rotatingSecrets() {
        return rotating;
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
