package dev.hardening.config.internal;

import dev.hardening.config.ConfigProblem;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.StartupReport;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator silences from the sources: {@code SILENCE_<ID>=YYYY-MM-DD reason}, where {@code <ID>}
 * is a finding id with {@code -} written {@code _} ({@code SILENCE_HA_A002} silences
 * {@code HA-A002}) and the date is the last day the silence holds. A value without a date or
 * without a reason is an {@code HC-E009} problem. Stateless and thread-safe.
 */
final class SilenceVariables {

    /** The prefix of every silence variable; never subject to the application's prefix. */
    static final String PREFIX = "SILENCE_";

    private static final Pattern NAME = Pattern.compile("SILENCE_([A-Z0-9]+(?:_[A-Z0-9]+)*)");
    private static final Pattern VALUE = Pattern.compile("(\\S+)(?:\\s+(.*))?", Pattern.DOTALL);

    private SilenceVariables() {
    }

    static boolean isSilence(String name) {
        return name.startsWith(PREFIX);
    }

    /**
     * @param sources  the sources, searched in precedence order for every {@code SILENCE_*} name
     * @param problems where malformed silences are recorded
     * @return the well-formed silences, sorted by variable name
     */
    static List<StartupReport.Silence> read(Sources sources, List<ConfigProblem> problems) {
        List<StartupReport.Silence> out = new ArrayList<>();
        for (String name : sources.allNames()) {
            if (!isSilence(name)) {
                continue;
            }
            Sources.Raw raw = sources.lookup(name);
            if (raw == null || raw.empty()) {
                continue;
            }
            Matcher n = NAME.matcher(name);
            if (!n.matches()) {
                problems.add(new ConfigProblem(ProblemCode.BAD_SILENCE, name, raw.source(),
                        "is not a finding id (expected: SILENCE_ and the id with - written _, such as SILENCE_HA_A002)",
                        "rename it after the finding id shown in the startup report"));
                continue;
            }
            String id = n.group(1).replace('_', '-');
            Matcher v = VALUE.matcher(raw.value().strip());
            if (!v.matches()) {
                continue;
            }
            LocalDate expires;
            try {
                expires = LocalDate.parse(v.group(1));
            } catch (DateTimeParseException e) {
                problems.add(new ConfigProblem(ProblemCode.BAD_SILENCE, name, raw.source(),
                        "silence of " + id + " has no valid date first (expected: YYYY-MM-DD reason)",
                        "write the last day the silence holds, then why: 2026-12-31 waiting for the mesh migration"));
                continue;
            }
            String reason = v.group(2) == null ? "" : v.group(2).strip();
            if (reason.isEmpty()) {
                problems.add(new ConfigProblem(ProblemCode.BAD_SILENCE, name, raw.source(),
                        "silence of " + id + " has no reason (expected: YYYY-MM-DD reason)",
                        "add why the finding is acceptable until " + expires + " after the date"));
                continue;
            }
            out.add(new StartupReport.Silence(id, reason, expires));
        }
        return out;
    }
}
