package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigException;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretAssessment;
import dev.hardening.config.SecretPolicy;
import dev.hardening.config.SecretPurpose;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a settings record from the sources, collecting every problem before throwing, then
 * assesses the secrets. One instance per bind call; not thread-safe.
 */
public final class Binder {

    /** Created on first use only: binding in production logs nothing and need not start logging. */
    private static final class Log {
        static final Logger INSTANCE = LoggerFactory.getLogger("dev.hardening.config");
    }

    /** The rule every configuration finding maps to. */
    public static final String FACTOR_III = "12-factor III. Config";

    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final Path dotenvPath;
    private final String prefix;
    private final Set<String> allowUnknown;
    private final Path devSecretsDirectory;
    private final FileSystem fs;

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Map<Schema.Leaf, Object> values = new IdentityHashMap<>();
    private final List<Described> described = new ArrayList<>();
    private final List<BoundSecret> secrets = new ArrayList<>();
    private final Set<String> scrub = new LinkedHashSet<>();
    private Map<String, Dotenv.Entry> dotenv = Map.of();
    private boolean usedDotenv;
    private AppEnvironment environment;

    /**
     * @param env                 the process environment
     * @param properties          system properties (exact variable names)
     * @param dotenvPath          an optional .env file, or null
     * @param prefix              the application's variable prefix, possibly empty
     * @param allowUnknown        names under the prefix that are not settings but are expected
     * @param devSecretsDirectory where dev secrets are generated
     * @param fs                  the file system for {@code _FILE} paths
     */
    public Binder(Map<String, String> env, Map<String, String> properties, Path dotenvPath, String prefix,
                  Set<String> allowUnknown, Path devSecretsDirectory, FileSystem fs) {
        this.env = env;
        this.properties = properties;
        this.dotenvPath = dotenvPath;
        this.prefix = prefix;
        this.allowUnknown = allowUnknown;
        this.devSecretsDirectory = devSecretsDirectory;
        this.fs = fs;
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
     */
    public record Result(Object value, AppEnvironment environment, List<Finding> findings, List<Described> described) {
    }

    private record Raw(String value, String source, boolean empty, boolean fromFile, boolean othersCanReadFile) {
    }

    private record BoundSecret(String variable, Secret secret, SecretPurpose purpose) {
    }

    /**
     * @param type the settings record class
     * @return the bound record and findings
     * @throws ConfigException listing every problem
     */
    public Result bind(Class<?> type) {
        Schema.Node node = Schema.of(type, prefix);
        loadDotenv();
        Raw appEnv = lookup(AppEnvironment.VARIABLE);
        environment = AppEnvironment.fromAppEnv(appEnv == null ? null : appEnv.value());
        environmentFinding(appEnv);

        List<Schema.Leaf> leaves = Schema.leaves(node);
        Set<String> known = knownNames(leaves);
        declaredNames = known;
        for (Schema.Leaf leaf : leaves) {
            resolve(leaf);
        }
        unknownVariables(known);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Object value = construct(node, type.getSimpleName());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        secretFindings();
        if (usedDotenv && environment.isProduction()) {
            findings.add(Finding.warn("HC-C002", FACTOR_III, ".env", "settings were read from the .env file "
                    + dotenvPath + " in production", "set them in the process environment; .env files are for development"));
        }
        return new Result(value, environment, List.copyOf(findings), List.copyOf(described));
    }

    // ---------------------------------------------------------------- sources

    private void loadDotenv() {
        if (dotenvPath == null || !Files.exists(dotenvPath)) {
            return;
        }
        try {
            Dotenv.Parsed parsed = Dotenv.parse(dotenvPath);
            dotenv = parsed.values();
            for (String error : parsed.errors()) {
                problems.add(new ConfigProblem(ProblemCode.BAD_SOURCE, ".env", ".env file " + dotenvPath, error,
                        "fix the line; values with spaces or # need quotes"));
            }
        } catch (IOException | RuntimeException e) {
            problems.add(new ConfigProblem(ProblemCode.BAD_SOURCE, ".env", ".env file " + dotenvPath,
                    "cannot be read as UTF-8 text (" + e.getClass().getSimpleName() + ")", "fix or remove the file"));
        }
    }

    /** Precedence: system properties, then the environment, then the .env file. */
    private Raw lookup(String name) {
        String v = properties.get(name);
        if (v != null) {
            return new Raw(v, "system property " + name, v.isEmpty(), false, false);
        }
        v = env.get(name);
        if (v != null) {
            return new Raw(v, "environment variable " + name, v.isEmpty(), false, false);
        }
        Dotenv.Entry e = dotenv.get(name);
        if (e != null) {
            return new Raw(e.value(), ".env file " + dotenvPath + " line " + e.line(), e.value().isEmpty(), false, false);
        }
        return null;
    }

    /** The value of {@code name} or of the file {@code name_FILE} points to; null when neither. */
    private Raw lookupWithFile(String name) {
        Raw direct = lookup(name);
        Raw file = lookup(name + "_FILE");
        if (direct != null && direct.empty()) {
            direct = null;
        }
        if (file != null && file.empty()) {
            file = null;
        }
        if (direct != null && file != null) {
            problems.add(new ConfigProblem(ProblemCode.CONFLICT, name, direct.source() + " and " + file.source(),
                    "both " + name + " and " + name + "_FILE are set, and they are exclusive",
                    "unset one of " + name + " and " + name + "_FILE"));
            return null;
        }
        if (file == null) {
            return direct;
        }
        usedDotenv |= file.source().startsWith(".env");
        Path path;
        try {
            path = fs.getPath(file.value());
        } catch (InvalidPathException e) {
            problems.add(new ConfigProblem(ProblemCode.BAD_FILE, name, file.source(), name + "_FILE is not a valid path",
                    "set " + name + "_FILE to the path of the file holding the value"));
            return null;
        }
        try {
            SecretFiles.Content content = SecretFiles.read(path);
            return new Raw(content.value(), "file " + path + " (" + name + "_FILE)", false, true, content.groupOrWorldReadable());
        } catch (SecretFiles.BadFileException e) {
            problems.add(new ConfigProblem(ProblemCode.BAD_FILE, name, file.source(), e.getMessage(), e.fix()));
            return null;
        }
    }

    // ---------------------------------------------------------------- leaves

    private void resolve(Schema.Leaf leaf) {
        if (leaf.appEnvironment()) {
            values.put(leaf, environment);
            described.add(new Described(AppEnvironment.VARIABLE, "resolved", environment.name()));
            return;
        }
        int before = problems.size();
        Raw raw = lookupWithFile(leaf.env());
        if (problems.size() > before) {
            return;
        }
        if (raw != null) {
            usedDotenv |= raw.source().startsWith(".env");
        }
        if (leaf.secret()) {
            resolveSecret(leaf, raw);
            return;
        }
        String text;
        String source;
        if (raw != null) {
            text = raw.value();
            source = raw.source();
        } else if (!environment.isProduction() && leaf.devDefault() != null) {
            text = leaf.devDefault();
            source = "dev default";
        } else if (leaf.defaultValue() != null) {
            text = leaf.defaultValue();
            source = "default";
        } else {
            absent(leaf);
            return;
        }
        Object converted;
        try {
            converted = Converters.convert(leaf.valueType(), text, fs);
        } catch (Converters.ConversionException e) {
            problems.add(new ConfigProblem(ProblemCode.UNPARSABLE, leaf.env(), source, e.getMessage(), e.fix()));
            return;
        }
        if (!checkConstraints(leaf, converted, source)) {
            return;
        }
        values.put(leaf, leaf.optional() ? Optional.of(converted) : converted);
        described.add(new Described(leaf.env(), source, display(converted)));
    }

    /** No value and no default: empty for an optional setting, otherwise a MISSING problem. */
    private void absent(Schema.Leaf leaf) {
        if (leaf.optional() && !(leaf.requiredInProduction() && environment.isProduction())) {
            values.put(leaf, Optional.empty());
            described.add(new Described(leaf.env(), "not set", "(none)"));
        } else {
            missing(leaf);
        }
    }

    private void missing(Schema.Leaf leaf) {
        Raw empty = lookup(leaf.env());
        String source = empty != null && empty.empty() ? empty.source() + " (empty)" : "not set";
        StringBuilder fix = new StringBuilder("set ").append(leaf.env());
        if (leaf.secret()) {
            fix.append(", or ").append(leaf.env()).append("_FILE to a file holding it");
        }
        String near = nearMiss(leaf.env());
        if (near != null) {
            fix.append(" (").append(near).append(" is set: a typo?)");
        }
        String what = leaf.secret() ? "required secret" : "required setting";
        if (leaf.requiredInProduction()) {
            what += " (in production)";
        }
        problems.add(new ConfigProblem(ProblemCode.MISSING, leaf.env(), source, what + " is missing", fix.toString()));
    }

    private void resolveSecret(Schema.Leaf leaf, Raw raw) {
        SecretPurpose purpose = leaf.secretSetting() == null ? SecretPurpose.TOKEN : leaf.secretSetting().purpose();
        Secret secret;
        String source;
        if (raw != null) {
            secret = Secret.of(raw.value());
            source = raw.source();
            if (raw.othersCanReadFile()) {
                findings.add(Finding.warn("HC-S003", FACTOR_III, leaf.env(), raw.source() + " is readable by group or others",
                        "restrict it to the service's user (chmod 0400; Kubernetes: defaultMode 0400)"));
            }
        } else if (!environment.isProduction() && leaf.secretSetting() != null && leaf.secretSetting().generateInDev()) {
            DevSecretStore store = DevSecretStore.forEnvironment(environment, devSecretsDirectory);
            try {
                secret = store.secret(leaf.env(), Math.max(32, purpose.minimumBytes()));
            } catch (RuntimeException e) {
                problems.add(new ConfigProblem(ProblemCode.BAD_FILE, leaf.env(), "dev secret store " + store.directory(),
                        e.getMessage(), "fix the permissions of " + store.directory() + " or delete the file to regenerate"));
                return;
            }
            source = "generated dev secret " + store.directory().resolve(leaf.env());
            findings.add(Finding.warn("HC-S004", FACTOR_III, leaf.env(), "generated for " + environment.name()
                    + " and kept in " + store.directory().resolve(leaf.env()) + " (reused across restarts)",
                    "set " + leaf.env() + " explicitly outside development"));
        } else {
            absent(leaf);
            return;
        }
        List<Secret> previous = previousValues(leaf.env());
        if (previous == null) {
            return;
        }
        secret = secret.withPrevious(previous);
        for (Secret s : secret.candidates()) {
            scrub.add(s.reveal());
        }
        secrets.add(new BoundSecret(leaf.env(), secret, purpose));
        values.put(leaf, leaf.optional() ? Optional.of(secret) : secret);
        String display = secret.describe() + (previous.isEmpty() ? "" : " + " + previous.size() + " previous");
        described.add(new Described(leaf.env(), source, display));
    }

    private List<Secret> previousValues(String name) {
        String var = name + "_PREVIOUS";
        int before = problems.size();
        Raw raw = lookupWithFile(var);
        if (problems.size() > before) {
            return null;
        }
        if (raw == null) {
            return List.of();
        }
        List<String> items = raw.fromFile() ? List.of(raw.value().split("\r?\n", -1)) : Converters.splitList(raw.value());
        List<Secret> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String item = raw.fromFile() ? items.get(i) : items.get(i);
            if (item.isBlank()) {
                problems.add(new ConfigProblem(ProblemCode.UNPARSABLE, var, raw.source(),
                        "previous value " + (i + 1) + " of " + items.size() + " is empty",
                        raw.fromFile() ? "write one value per line, no blank lines" : "write comma-separated values, no empty ones"));
                return null;
            }
            out.add(Secret.of(item));
        }
        return out;
    }

    private boolean checkConstraints(Schema.Leaf leaf, Object value, String source) {
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
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
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

    // ---------------------------------------------------------------- unknown names

    private Set<String> knownNames(List<Schema.Leaf> leaves) {
        Set<String> known = new TreeSet<>();
        known.add(AppEnvironment.VARIABLE);
        for (Schema.Leaf l : leaves) {
            known.add(l.env());
            known.add(l.env() + "_FILE");
            if (l.secret()) {
                known.add(l.env() + "_PREVIOUS");
                known.add(l.env() + "_PREVIOUS_FILE");
            }
        }
        known.addAll(allowUnknown);
        return known;
    }

    private Set<String> declaredNames;

    private void unknownVariables(Set<String> known) {
        if (!prefix.isEmpty()) {
            reportUnknown(env.keySet(), known, "environment variable ");
            reportUnknown(properties.keySet(), known, "system property ");
        }
        for (Map.Entry<String, Dotenv.Entry> e : dotenv.entrySet()) {
            if (!known.contains(e.getKey())) {
                problems.add(unknown(e.getKey(), ".env file " + dotenvPath + " line " + e.getValue().line(), known));
            }
        }
        if (prefix.isEmpty()) {
            for (String name : new TreeSet<>(env.keySet())) {
                if (known.contains(name)) {
                    continue;
                }
                String near = closestDeclared(name, known);
                if (near != null) {
                    findings.add(Finding.warn("HC-C001", FACTOR_III, name, "environment variable " + name
                            + " is not a setting; did you mean " + near + "?", "rename it to " + near + " or unset it"));
                }
            }
        }
    }

    private void reportUnknown(Set<String> names, Set<String> known, String kind) {
        for (String name : new TreeSet<>(names)) {
            if (name.startsWith(prefix) && !known.contains(name)) {
                problems.add(unknown(name, kind + name, known));
            }
        }
    }

    private ConfigProblem unknown(String name, String source, Set<String> known) {
        String near = Names.closest(name, known, Math.max(3, Names.typoTolerance(name)));
        return new ConfigProblem(ProblemCode.UNKNOWN, name, source,
                "matches no setting" + (near == null ? "" : "; did you mean " + near + "?"),
                near == null ? "remove it, or declare it as a setting" : "rename it to " + near);
    }

    private static String closestDeclared(String name, Set<String> known) {
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

    private String nearMiss(String wanted) {
        Set<String> candidates = new TreeSet<>();
        candidates.addAll(env.keySet());
        candidates.addAll(properties.keySet());
        candidates.addAll(dotenv.keySet());
        for (String c : candidates) {
            int d = Names.distance(c, wanted);
            if (d > 0 && d <= Names.typoTolerance(wanted) && (declaredNames == null || !declaredNames.contains(c))) {
                return c;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- construction

    private Object construct(Schema.Node node, String path) {
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
        for (String s : scrub) {
            if (s.length() >= 4) {
                out = out.replace(s, "<redacted>");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- findings

    private void environmentFinding(Raw appEnv) {
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

    private void secretFindings() {
        SecretPolicy policy = SecretPolicy.standard();
        for (BoundSecret b : secrets) {
            List<Secret> candidates = b.secret().candidates();
            for (int i = 0; i < candidates.size(); i++) {
                String subject = i == 0 ? b.variable() : b.variable() + "_PREVIOUS[" + i + "]";
                SecretAssessment a = policy.assess(candidates.get(i), b.purpose(), b.variable());
                if (a.acceptable()) {
                    findings.add(Finding.pass("HC-S001", FACTOR_III, subject, b.purpose().name() + " strong enough: " + a.summary(), ""));
                } else {
                    findings.add(new Finding("HC-S001", environment.policyViolation(), FACTOR_III, subject,
                            b.purpose().name() + " too weak: " + a.summary(),
                            "generate a new value, for example: openssl rand -base64 " + Math.max(32, b.purpose().minimumBytes())));
                }
            }
        }
        Map<String, List<String>> owners = new LinkedHashMap<>();
        List<Secret> seen = new ArrayList<>();
        for (BoundSecret b : secrets) {
            List<Secret> candidates = b.secret().candidates();
            for (int i = 0; i < candidates.size(); i++) {
                String subject = i == 0 ? b.variable() : b.variable() + "_PREVIOUS[" + i + "]";
                Secret s = candidates.get(i);
                String key = null;
                for (int k = 0; k < seen.size(); k++) {
                    if (seen.get(k).matches(s.reveal())) {
                        key = Integer.toString(k);
                        break;
                    }
                }
                if (key == null) {
                    key = Integer.toString(seen.size());
                    seen.add(s);
                }
                List<String> group = owners.get(key);
                if (group == null) {
                    group = new ArrayList<>();
                    owners.put(key, group);
                }
                group.add(subject);
            }
        }
        for (List<String> group : owners.values()) {
            if (group.size() > 1) {
                findings.add(new Finding("HC-S002", environment.policyViolation(), FACTOR_III, String.join(",", group),
                        "the same value is used for " + String.join(" and ", group),
                        "give every secret its own value"));
            }
        }
    }
}
