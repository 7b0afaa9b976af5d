package dev.hardening.config;

import dev.hardening.config.internal.Binder;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one place an application reads its configuration. Declare the settings once as a record;
 * {@link #bind(Class)} returns it immutable and validated, or throws one {@link ConfigException}
 * listing every problem.
 *
 * <pre>{@code
 * record Settings(
 *     @DefaultValue("8080") @Range(min = 0, max = 65535) int port,
 *     @SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secretKey,
 *     Optional<URI> oidcIssuer) {}
 *
 * BoundConfig<Settings> config = HardeningConfig.fromSystem().bind(Settings.class);
 * }</pre>
 *
 * <h2>Names</h2>
 * Each component binds to exactly one variable: {@link Env @Env} if present, else the prefix and
 * the component name in upper snake case ({@code secretKey} → {@code SECRET_KEY}); a nested
 * record adds its own name ({@code oidc.audience} → {@code OIDC_AUDIENCE}). Names are looked up
 * exactly and never mapped back from the environment.
 *
 * <h2>Sources and precedence</h2>
 * For each variable, the first of: a system property with exactly that name
 * ({@code -DPORT=9090}); the environment; the optional .env file; then {@link DevDefault} (dev
 * and test only) and {@link DefaultValue}. {@code NAME_FILE} (from any of the same sources)
 * names a file holding the value; setting both {@code NAME} and {@code NAME_FILE} is an error.
 * An empty value counts as unset.
 *
 * <h2>Environment</h2>
 * {@code APP_ENV} selects the {@link AppEnvironment}, failing closed to production.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HardeningConfig {

    private static final Pattern PREFIX = Pattern.compile("([A-Z][A-Z0-9_]*_)?");

    private final Map<String, String> environment;
    private final Map<String, String> systemProperties;
    private final Path dotenvFile;
    private final String prefix;
    private final Set<String> allowUnknown;
    private final Path devSecretsDirectory;
    private final FileSystem fileSystem;
    private final TimeSource timeSource;

    private HardeningConfig(Builder b) {
        this.environment = b.environment;
        this.systemProperties = b.systemProperties;
        this.dotenvFile = b.dotenvFile;
        this.prefix = b.prefix;
        this.allowUnknown = Set.copyOf(b.allowUnknown);
        this.devSecretsDirectory = b.devSecretsDirectory;
        this.fileSystem = b.fileSystem;
        this.timeSource = b.timeSource;
    }

    /**
     * The usual entry point: the process environment and system properties, no prefix, no .env
     * file, dev secrets under {@link DevSecretStore#DEFAULT_DIRECTORY}.
     *
     * @return a configuration reading this process's environment
     */
    public static HardeningConfig fromSystem() {
        return builder().environment(System.getenv()).systemProperties(System.getProperties()).build();
    }

    /** @return a builder; {@link Builder#environment(Map)} must be called */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and validates a settings record.
     *
     * @param type the record class declaring the settings
     * @param <T>  the record type
     * @return the bound settings, the environment and the configuration findings
     * @throws ConfigException          listing every missing, unparsable, out-of-range, conflicting
     *                                  and unknown setting at once; never containing a secret
     * @throws IllegalArgumentException when the record itself is not a valid declaration (an
     *                                  unsupported type, say): a programming error
     */
    public <T extends Record> BoundConfig<T> bind(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Binder.Result r = new Binder(environment, systemProperties, dotenvFile, prefix, allowUnknown,
                devSecretsDirectory, fileSystem, timeSource).bind(type);
        return new BoundConfig<>(type.cast(r.value()), r);
    }

    /**
     * Resolves only the environment from {@code APP_ENV}: a system property of that name, else
     * the environment variable (the .env file is not consulted).
     *
     * @return the environment, production unless {@code APP_ENV} is dev or test
     */
    public AppEnvironment environment() {
        String v = systemProperties.get(AppEnvironment.VARIABLE);
        if (v == null) {
            v = environment.get(AppEnvironment.VARIABLE);
        }
        return AppEnvironment.fromAppEnv(v);
    }

    /** Builds a {@link HardeningConfig}. Each option may be set once. Not thread-safe. */
    public static final class Builder {
        private Map<String, String> environment;
        private Map<String, String> systemProperties;
        private Path dotenvFile;
        private String prefix;
        private final Set<String> allowUnknown = new LinkedHashSet<>();
        private Path devSecretsDirectory;
        private FileSystem fileSystem;
        private TimeSource timeSource;

        private Builder() {
        }

        /**
         * @param env the process environment (in tests, a plain map); copied
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder environment(Map<String, String> env) {
            environment = Map.copyOf(Checks.setOnce(environment, env, "environment"));
            return this;
        }

        /**
         * @param properties system properties; only string entries are used, by exact name
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder systemProperties(Properties properties) {
            Map<String, String> m = new TreeMap<>();
            for (String name : properties.stringPropertyNames()) {
                m.put(name, properties.getProperty(name));
            }
            return systemProperties(m);
        }

        /**
         * @param properties properties by exact variable name; copied
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder systemProperties(Map<String, String> properties) {
            systemProperties = Map.copyOf(Checks.setOnce(systemProperties, properties, "systemProperties"));
            return this;
        }

        /**
         * A .env file, read if it exists (lowest precedence). Every key in it must be a setting.
         * Values read from it in production produce a warning.
         *
         * @param file the path
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder dotenvFile(Path file) {
            dotenvFile = Checks.setOnce(dotenvFile, file, "dotenvFile");
            return this;
        }

        /**
         * The application's variable prefix, such as {@code APP_}: derived names start with it,
         * and any environment variable or system property starting with it that is not a setting
         * is an error (with a "did you mean"). Without a prefix, near misses of setting names
         * are reported as warnings instead.
         *
         * @param value upper case letters, digits and underscores, ending with {@code _}
         * @return this builder
         * @throws IllegalArgumentException for another form
         * @throws IllegalStateException    if already set
         */
        public Builder prefix(String value) {
            Checks.setOnce(prefix, value, "prefix");
            if (!PREFIX.matcher(value).matches()) {
                throw new IllegalArgumentException("prefix: " + value + " (expected: upper case, ending with _, such as APP_)");
            }
            prefix = value;
            return this;
        }

        /**
         * Names under the prefix that are expected but are not settings (read by something else).
         *
         * @param names exact variable names
         * @return this builder
         */
        public Builder allowUnknown(String... names) {
            for (String n : names) {
                allowUnknown.add(Objects.requireNonNull(n, "name"));
            }
            return this;
        }

        /**
         * @param directory where dev and test generate and keep secrets; default
         *                  {@link DevSecretStore#DEFAULT_DIRECTORY}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder devSecretsDirectory(Path directory) {
            devSecretsDirectory = Checks.setOnce(devSecretsDirectory, directory, "devSecretsDirectory");
            return this;
        }

        /**
         * @param fs the file system {@code NAME_FILE} paths and {@link Path} settings resolve in;
         *           default the platform's
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder fileSystem(FileSystem fs) {
            fileSystem = Checks.setOnce(fileSystem, fs, "fileSystem");
            return this;
        }

        /**
         * @param time the time source by which {@link RotatingSecret}s decide when to look at their
         *             files again; default {@link TimeSource#system()}
         * @return this builder
         * @throws IllegalStateException if already set ({@code timeSource: already set})
         * @throws NullPointerException  if {@code time} is null
         */
        public Builder timeSource(TimeSource time) {
            timeSource = Checks.setOnce(timeSource, time, "timeSource");
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalStateException if no environment was given
         */
        public HardeningConfig build() {
            if (environment == null) {
                throw new IllegalStateException("environment: not set (expected: environment(System.getenv()) "
                        + "in your configuration class, or a map in tests)");
            }
            if (systemProperties == null) {
                systemProperties = Map.of();
            }
            if (prefix == null) {
                prefix = "";
            }
            if (fileSystem == null) {
                fileSystem = FileSystems.getDefault();
            }
            if (timeSource == null) {
                timeSource = TimeSource.system();
            }
            if (devSecretsDirectory == null) {
                devSecretsDirectory = fileSystem.getPath(DevSecretStore.DEFAULT_DIRECTORY.toString());
            }
            return new HardeningConfig(this);
        }
    }
}
