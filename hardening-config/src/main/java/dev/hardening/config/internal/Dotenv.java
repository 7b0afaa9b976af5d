package dev.hardening.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a .env file: {@code KEY=value} lines, optional {@code export }, {@code #} comments,
 * single quotes (literal) and double quotes (with {@code \n}, {@code \"} and {@code \\} escapes).
 * Errors name the line, never its content. Thread-safe.
 */
final class Dotenv {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private Dotenv() {
    }

    /**
     * @param values  the entries, in file order: key to value and line number
     * @param errors  one message per line that could not be parsed
     */
    public record Parsed(Map<String, Entry> values, List<String> errors) {
    }

    /**
     * @param value the value
     * @param line  the 1-based line number
     */
    public record Entry(String value, int line) {
    }

    /**
     * @param path the file; it must exist
     * @return the entries and the per-line errors
     * @throws IOException when the file cannot be read
     */
    public static Parsed parse(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        Map<String, Entry> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                errors.add("line " + lineNo + ": expected KEY=VALUE");
                continue;
            }
            String key = line.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                errors.add("line " + lineNo + ": the key is not a valid variable name");
                continue;
            }
            String rest = line.substring(eq + 1).strip();
            String value;
            if (rest.startsWith("'")) {
                int end = rest.indexOf('\'', 1);
                if (end < 0 || !trailingOk(rest.substring(end + 1))) {
                    errors.add("line " + lineNo + ": unterminated or malformed single-quoted value for " + key);
                    continue;
                }
                value = rest.substring(1, end);
            } else if (rest.startsWith("\"")) {
                StringBuilder sb = new StringBuilder();
                int k = 1;
                boolean closed = false;
                while (k < rest.length()) {
                    char c = rest.charAt(k);
                    if (c == '\\' && k + 1 < rest.length()) {
                        char n = rest.charAt(k + 1);
                        sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
                        k += 2;
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                        k++;
                    }
                }
                if (!closed || !trailingOk(rest.substring(k + 1))) {
                    errors.add("line " + lineNo + ": unterminated or malformed double-quoted value for " + key);
                    continue;
                }
                value = sb.toString();
            } else {
                int hash = rest.indexOf(" #");
                value = (hash >= 0 ? rest.substring(0, hash) : rest).strip();
            }
            if (values.containsKey(key)) {
                errors.add("line " + lineNo + ": " + key + " is already set on line " + values.get(key).line());
                continue;
            }
            values.put(key, new Entry(value, lineNo));
        }
        return new Parsed(values, errors);
    }

    private static boolean trailingOk(String after) {
        String t = after.strip();
        return t.isEmpty() || t.startsWith("#");
    }
}
