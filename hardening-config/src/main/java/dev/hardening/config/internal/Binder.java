package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigException;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.StartupReport;
import dev.hardening.config.TimeSource;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a settings record, in this order: the sources ({@link Sources}), the environment, every
 * setting (secrets by {@link SecretBinding}, the rest converted and checked by
 * {@link Constraints}), the unknown-variable scan ({@link UnknownVariables}), the operator
 * silences ({@link SilenceVariables}), the secret policy, and the record itself
 * ({@link RecordConstruction}). Every problem of every phase is collected before one
 * {@link ConfigException} is thrown, together with the findings that could be computed (a weak
 * secret shows up in the same boot as a missing setting). One instance per bind; not thread-safe.
 */
public final class Binder {

    /** Created on first use only: binding in production logs nothing and need not start logging. */
    private static final class Log {
        static final Logger INSTANCE = LoggerFactory.getLogger("dev.hardening.config");
    }

    /** The rule every configuration finding maps to. */
    public static final String FACTOR_III = "12-factor III. Config";

    private final Sources sources;
    private final String prefix;
    private final Set<String> allowUnknown;
    private final Path devSecretsDirectory;
    private final TimeSource time;

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Map<Schema.Leaf, Object> values = new IdentityHashMap<>();
    private final List<Described> described = new ArrayList<>();

    /**
     * @param env                 the process environment
     * @param properties          system properties (exact variable names)
     * @param dotenvPath          an optional .env file, or null
     * @param prefix              the application's variable prefix, possibly empty
     * @param allowUnknown        names under the prefix that are not settings but are expected
     * @param devSecretsDirectory where dev secrets are generated
     * @param fs                  the file system for {@code _FILE} paths
     * @param time                the time source rotating secrets check their files by
     */
    public Binder(Map<String, String> env, Map<String, String> properties, Path dotenvPath, String prefix,
                  Set<String> allowUnknown, Path devSecretsDirectory, FileSystem fs, TimeSource time) {
        this.sources = new Sources(env, properties, dotenvPath, fs, problems);
        this.prefix = prefix;
        this.allowUnknown = allowUnknown;
        this.devSecretsDirectory = devSecretsDirectory;
        this.time = time;
    }

    /**
     * A setting as bound, for the startup log.
     *
     * @param variable the variable
     * @param source   where its value came from
     * @param display  the value as it may be printed (secrets described, URI passwords hidden)
     */
    public record Described(String variable, String source, String display) {
    }

    /**
     * The outcome of a successful bind.
     *
     * @param value       the settings record
     * @param environment the resolved environment
     * @param findings    configuration and secret findings
     * @param described   every setting, printable
     * @param silences    the operator's silences from {@code SILENCE_*} variables
     * @param rotating    the rotating secrets bound
     */
    public record Result(Object value, AppEnvironment environment, List<Finding> findings, List<Described> described,
                         List<StartupReport.Silence> silences, List<RotatingSecret> rotating) {
    }

    /**
     * @param type the settings record class
     * @return the bound record and findings
     * @throws ConfigException listing every problem, with the findings computed so far
     */
    public Result bind(Class<?> type) {
        Schema.Node node = Schema.of(type, prefix);
        sources.loadDotenv();
        Sources.Raw appEnv = sources.lookup(AppEnvironment.VARIABLE);
        AppEnvironment environment = AppEnvironment.fromAppEnv(appEnv == null ? null : appEnv.value());
        environmentFinding(environment, appEnv);

        List<Schema.Leaf> leaves = Schema.leaves(node);
        UnknownVariables unknown = new UnknownVariables(sources, prefix, leaves, allowUnknown);
        SecretBinding secrets = new SecretBinding(sources, environment, devSecretsDirectory, time, problems, findings);
        for (Schema.Leaf leaf : leaves) {
            resolve(leaf, environment, secrets, unknown);
        }
        unknown.scan(problems, findings);
        List<StartupReport.Silence> silences = SilenceVariables.read(sources, problems);
        secrets.policyFindings();
        Object value = null;
        if (problems.isEmpty()) {
            value = new RecordConstruction(values, secrets.values(), problems).construct(node, type.getSimpleName());
        }
        if (sources.usedDotenv() && environment.isProduction()) {
            findings.add(Finding.warn("HC-C002", FACTOR_III, ".env", "settings were read from the .env file "
                    + sources.dotenvPath() + " in production", "set them in the process environment; .env files are for development"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, environment, findings, silences, fallback(node, environment, secrets));
        }
        return new Result(value, environment, List.copyOf(findings), List.copyOf(described), List.copyOf(silences),
                secrets.rotating());
    }

    private void resolve(Schema.Leaf leaf, AppEnvironment environment, SecretBinding secrets, UnknownVariables unknown) {
        if (leaf.appEnvironment()) {
            values.put(leaf, environment);
            described.add(new Described(AppEnvironment.VARIABLE, "resolved", environment.name()));
            return;
        }
        int before = problems.size();
        Sources.Raw raw = sources.lookupWithFile(leaf.env());
        if (problems.size() > before) {
            return;
        }
        if (leaf.secret()) {
            SecretBinding.Bound b = secrets.bind(leaf, raw);
            if (b.absent()) {
                absent(leaf, environment, unknown);
            } else if (b.value() != null) {
                values.put(leaf, b.value());
                described.add(new Described(leaf.env(), b.source(), b.display()));
            }
            return;
        }
        Sources.Text text = Sources.valueOrDefault(leaf, raw, environment.isProduction());
        if (text == null) {
            absent(leaf, environment, unknown);
            return;
        }
        Object converted;
        try {
            converted = Converters.convert(leaf.valueType(), text.value(), sources.fileSystem());
        } catch (Converters.ConversionException e) {
            problems.add(new ConfigProblem(ProblemCode.UNPARSABLE, leaf.env(), text.source(), e.getMessage(), e.fix()));
            return;
        }
        if (!Constraints.check(leaf, converted, text.source(), problems)) {
            return;
        }
        values.put(leaf, leaf.optional() ? Optional.of(converted) : converted);
        described.add(new Described(leaf.env(), text.source(), display(converted)));
    }

    /**
     * The record as far as it bound, for the findings that do not depend on the failed settings:
     * every setting that bound keeps its value; one that failed is empty when optional, else its
     * default (or dev default) when that converts and passes its constraints, else null (zero or
     * false for a primitive). Null when the record's constructor rejects those values.
     */
    private Object fallback(Schema.Node node, AppEnvironment environment, SecretBinding secrets) {
        Map<Schema.Leaf, Object> partial = new IdentityHashMap<>(values);
        for (Schema.Leaf leaf : Schema.leaves(node)) {
            if (!partial.containsKey(leaf)) {
                partial.put(leaf, fallbackValue(leaf, environment));
            }
        }
        try {
            return new RecordConstruction(partial, secrets.values(), new ArrayList<>()).construct(node, node.type().getSimpleName());
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null; // the record cannot be built from these values: no fallback, the problems stand
        }
    }

    private Object fallbackValue(Schema.Leaf leaf, AppEnvironment environment) {
        if (leaf.optional()) {
            return Optional.empty();
        }
        if (!leaf.secret()) {
            Sources.Text text = Sources.valueOrDefault(leaf, null, environment.isProduction());
            if (text != null) {
                try {
                    Object converted = Converters.convert(leaf.valueType(), text.value(), sources.fileSystem());
                    if (Constraints.check(leaf, converted, text.source(), new ArrayList<>())) {
                        return converted;
                    }
                } catch (Converters.ConversionException e) {
                    // no usable default: falls through to the zero value
                }
            }
        }
        return zero(leaf.valueType());
    }

    private static Object zero(java.lang.reflect.Type type) {
        if (type == int.class) {
            return 0;
        } else if (type == long.class) {
            return 0L;
        } else if (type == boolean.class) {
            return false;
        } else if (type == double.class) {
            return 0d;
        } else if (type == float.class) {
            return 0f;
        } else if (type == short.class) {
            return (short) 0;
        } else if (type == byte.class) {
            return (byte) 0;
        } else if (type == char.class) {
            return (char) 0;
        }
        return null;
    }

    /** No value and no default: empty for an optional setting, otherwise a MISSING problem. */
    private void absent(Schema.Leaf leaf, AppEnvironment environment, UnknownVariables unknown) {
        if (leaf.optional() && !(leaf.requiredInProduction() && environment.isProduction())) {
            values.put(leaf, Optional.empty());
            described.add(new Described(leaf.env(), "not set", "(none)"));
            return;
        }
        Sources.Raw empty = sources.lookup(leaf.env());
        String source = empty != null && empty.empty() ? empty.source() + " (empty)" : "not set";
        StringBuilder fix = new StringBuilder("set ").append(leaf.env());
        if (leaf.secret()) {
            fix.append(", or ").append(leaf.env()).append("_FILE to a file holding it");
        }
        String near = unknown.nearMiss(leaf.env());
        if (near != null) {
            fix.append(" (").append(near).append(" is set: a typo?)");
        }
        String what = leaf.secret() ? "required secret" : "required setting";
        if (leaf.requiredInProduction()) {
            what += " (in production)";
        }
        problems.add(new ConfigProblem(ProblemCode.MISSING, leaf.env(), source, what + " is missing", fix.toString()));
    }

    private static String display(Object value) {
        if (value instanceof URI || value instanceof String) {
            return Converters.redactUserInfo(value.toString());
        }
        if (value instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object o : (List<?>) value) {
                parts.add(display(o).replace("\\", "\\\\").replace(",", "\\,"));
            }
            return String.join(",", parts);
        }
        return String.valueOf(value);
    }

    private void environmentFinding(AppEnvironment environment, Sources.Raw appEnv) {
        String value = appEnv == null || appEnv.empty() ? "unset" : Names.quote(appEnv.value());
        if (environment.isProduction()) {
            findings.add(Finding.pass("HC-M001", FACTOR_III, AppEnvironment.VARIABLE,
                    "PRODUCTION mode (" + AppEnvironment.VARIABLE + " " + value + "; only dev and test relax checks)", ""));
        } else {
            Log.INSTANCE.warn("{} MODE - NOT FOR PRODUCTION: security checks are relaxed because {}={}", environment.name(),
                    AppEnvironment.VARIABLE, value);
            findings.add(Finding.warn("HC-M001", FACTOR_III, AppEnvironment.VARIABLE,
                    environment.name() + " MODE - NOT FOR PRODUCTION: policy failures are only warnings, dev secrets may be generated",
                    "unset " + AppEnvironment.VARIABLE + " in any deployment"));
        }
    }
}
