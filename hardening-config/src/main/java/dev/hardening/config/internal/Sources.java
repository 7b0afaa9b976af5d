package dev.hardening.config.internal;

import dev.hardening.config.ConfigProblem;
import dev.hardening.config.ProblemCode;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where values come from, in precedence order: a system property of exactly that name, the
 * injected environment, the optional .env file; and {@code NAME_FILE}, which names a file holding
 * the value. Defaults ({@code @DevDefault}, {@code @DefaultValue}) come last and are applied by
 * {@link #valueOrDefault}. One instance per bind; not thread-safe.
 */
final class Sources {

    /**
     * A value found in a source.
     *
     * @param value             the text
     * @param source            where it came from, for messages
     * @param empty             whether the text is empty (which counts as unset)
     * @param file              the file it was read from ({@code NAME_FILE}), or null
     * @param othersCanReadFile whether that file is readable by group or others
     * @param stamp             the file's identity when it was read, or null
     */
    record Raw(String value, String source, boolean empty, Path file, boolean othersCanReadFile, SecretFiles.Stamp stamp) {
        boolean fromFile() {
            return file != null;
        }
    }

    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final Path dotenvPath;
    private final FileSystem fs;
    private final List<ConfigProblem> problems;
    private Map<String, Dotenv.Entry> dotenv = Map.of();
    private boolean usedDotenv;

    Sources(Map<String, String> env, Map<String, String> properties, Path dotenvPath, FileSystem fs, List<ConfigProblem> problems) {
        this.env = env;
        this.properties = properties;
        this.dotenvPath = dotenvPath;
        this.fs = fs;
        this.problems = problems;
    }

    FileSystem fileSystem() {
        return fs;
    }

    Path dotenvPath() {
        return dotenvPath;
    }

    /** @return whether any value used so far came from the .env file */
    boolean usedDotenv() {
        return usedDotenv;
    }

    Map<String, String> environment() {
        return env;
    }

    Map<String, String> properties() {
        return properties;
    }

    Map<String, Dotenv.Entry> dotenv() {
        return dotenv;
    }

    /** @return every name set in any source, sorted */
    Set<String> allNames() {
        Set<String> all = new TreeSet<>(env.keySet());
        all.addAll(properties.keySet());
        all.addAll(dotenv.keySet());
        return all;
    }

    void loadDotenv() {
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

    /** Precedence: system properties, then the environment, then the .env file; null when none has it. */
    Raw lookup(String name) {
        String v = properties.get(name);
        if (v != null) {
            return new Raw(v, "system property " + name, v.isEmpty(), null, false, null);
        }
        v = env.get(name);
        if (v != null) {
            return new Raw(v, "environment variable " + name, v.isEmpty(), null, false, null);
        }
        Dotenv.Entry e = dotenv.get(name);
        if (e != null) {
            return new Raw(e.value(), ".env file " + dotenvPath + " line " + e.line(), e.value().isEmpty(), null, false, null);
        }
        return null;
    }

    /**
     * The value of {@code name} or of the file {@code name_FILE} points to; null when neither is
     * set or when a problem was recorded (both set, a bad path, a bad file).
     */
    Raw lookupWithFile(String name) {
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
            noteUse(direct);
            return direct;
        }
        noteUse(file);
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
            return new Raw(content.value(), "file " + path + " (" + name + "_FILE)", false, path,
                    content.groupOrWorldReadable(), content.stamp());
        } catch (SecretFiles.BadFileException e) {
            problems.add(new ConfigProblem(ProblemCode.BAD_FILE, name, file.source(), e.getMessage(), e.fix()));
            return null;
        }
    }

    private void noteUse(Raw raw) {
        if (raw != null && raw.source().startsWith(".env")) {
            usedDotenv = true;
        }
    }

    /**
     * A plain (non-secret) setting's text: the value found, else {@code @DevDefault} outside
     * production, else {@code @DefaultValue}; null when there is none.
     *
     * @param leaf       the setting
     * @param raw        what {@link #lookupWithFile} found, or null
     * @param production whether the service runs in production
     * @return the text and its source, or null
     */
    static Text valueOrDefault(Schema.Leaf leaf, Raw raw, boolean production) {
        if (raw != null) {
            return new Text(raw.value(), raw.source());
        }
        if (!production && leaf.devDefault() != null) {
            return new Text(leaf.devDefault(), "dev default");
        }
        if (leaf.defaultValue() != null) {
            return new Text(leaf.defaultValue(), "default");
        }
        return null;
    }

    /**
     * A setting's text and where it came from.
     *
     * @param value  the text
     * @param source the source, for messages
     */
    record Text(String value, String source) {
    }
}
