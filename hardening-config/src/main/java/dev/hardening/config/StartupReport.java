package dev.hardening.config;

import dev.hardening.config.internal.Json;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The startup report: every component's findings, rendered as a table for people and as JSON
 * for machines, and enforced before the service binds a port.
 *
 * <p>{@link #enforce()} throws when any line's effective status is FAIL. Components relax their
 * own checks outside production (a weak secret is FAIL in production, WARN in dev), so a FAIL
 * that remains in dev — such as dev mode bound to a network address — stops the boot too.
 *
 * <p>A finding can be silenced only with a reason and an expiry date; a silenced line shows as
 * {@code SILENCED} (with the reason and date) and counts as PASS until the date has passed on the
 * time source's wall clock in UTC, then as FAIL again. A silence that matches nothing is a WARN
 * ({@code HC-R001}). Operators silence through the environment ({@code SILENCE_HA_A002=2026-12-31
 * reason}, see {@link BoundConfig#silences()}); configuration errors ({@code HC-E…}) cannot be
 * silenced.
 *
 * <p>One report, one exit, every problem: {@link #builder(BoundConfig)} starts from a successful
 * bind, {@link #builder(ConfigException)} from a failed one (each problem a FAIL line with its
 * {@code HC-E} code), and the application adds its components' findings beside them.
 *
 * <pre>{@code
 * StartupReport.Builder report;
 * try {
 *     BoundConfig<Settings> config = HardeningConfig.fromSystem().bind(Settings.class);
 *     report = StartupReport.builder(config).check(verifier).check(limiter);
 * } catch (ConfigException e) {
 *     report = StartupReport.builder(e);
 *     // components built from the settings that did bind add their findings to the same report
 *     Optional<Settings> partial = e.partialSettings(Settings.class);
 *     if (partial.isPresent()) {
 *         report.check(verifierFor(partial.get()));
 *     }
 * }
 * StartupReport r = report.build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class StartupReport {

    private final AppEnvironment environment;
    private final List<Line> lines;

    private StartupReport(AppEnvironment environment, List<Line> lines) {
        this.environment = environment;
        this.lines = lines;
    }

    /** The rule of configuration-error lines. */
    private static final String CONFIG_RULE = "12-factor III. Config";

    /**
     * @param environment the environment the report is for
     * @return a new builder with no findings and no silences
     * @throws NullPointerException if {@code environment} is null
     */
    public static Builder builder(AppEnvironment environment) {
        return new Builder(Checks.notNull(environment, "environment"));
    }

    /**
     * A report for a successful bind: its environment, its findings and the operator's silences.
     *
     * @param config the bound configuration
     * @return a new builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(BoundConfig<?> config) {
        Checks.notNull(config, "config");
        return new Builder(config.environment()).addAll(config.findings()).silences(config.silences());
    }

    /**
     * A report for a failed bind: every problem becomes a FAIL line with its {@code HC-E} code and
     * the variable as subject, followed by the findings that could still be computed; the
     * silences that were read apply (to everything but the configuration errors).
     *
     * @param failure the failed bind
     * @return a new builder
     * @throws NullPointerException if {@code failure} is null
     */
    public static Builder builder(ConfigException failure) {
        Checks.notNull(failure, "failure");
        Builder b = new Builder(failure.environment());
        for (ConfigProblem p : failure.problems()) {
            b.add(Finding.fail(p.code().id(), CONFIG_RULE, p.variable(), p.message() + " (" + p.source() + ")", p.fix()));
        }
        return b.addAll(failure.findings()).silences(failure.silences());
    }

    private static boolean silenceable(Finding f) {
        return !f.id().startsWith("HC-E");
    }

    /** @return the environment the report was built for */
    public AppEnvironment environment() {
        return environment;
    }

    /** @return every line, in the order the findings were added; unused silences last */
    public List<Line> lines() {
        return lines;
    }

    /** @return the findings as contributed (before silencing) */
    public List<Finding> findings() {
        List<Finding> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.finding());
        }
        return Collections.unmodifiableList(out);
    }

    /** @return whether any line's effective status is FAIL */
    public boolean hasFailures() {
        return count(FindingStatus.FAIL) > 0;
    }

    /**
     * @param status a status
     * @return how many lines have that effective status
     */
    public int count(FindingStatus status) {
        int n = 0;
        for (Line l : lines) {
            if (l.effectiveStatus() == status) {
                n++;
            }
        }
        return n;
    }

    /**
     * Refuses to boot on any FAIL.
     *
     * @throws StartupCheckException listing the failing lines, if any
     */
    public void enforce() {
        if (hasFailures()) {
            throw new StartupCheckException(this);
        }
    }

    /**
     * Renders the report as a text table, one line per finding, with a banner that says loudly
     * when the service is not in production mode.
     *
     * @return the table, ending with a newline
     */
    public String renderTable() {
        int wStatus = 6;
        int wId = 2;
        int wSubject = 7;
        for (Line l : lines) {
            wStatus = Math.max(wStatus, l.statusLabel().length());
            wId = Math.max(wId, l.finding().id().length());
            wSubject = Math.max(wSubject, l.finding().subject().length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("hardening startup report (environment: ").append(environment.name()).append(")\n");
        if (!environment.isProduction()) {
            sb.append("!!! ").append(environment.name())
                    .append(" MODE - NOT FOR PRODUCTION: security checks are relaxed (APP_ENV=")
                    .append(environment.name().toLowerCase(java.util.Locale.ROOT)).append(") !!!\n");
        }
        pad(sb, "STATUS", wStatus).append("  ");
        pad(sb, "ID", wId).append("  ");
        pad(sb, "SUBJECT", wSubject).append("  DETAIL | FIX\n");
        for (Line l : lines) {
            Finding f = l.finding();
            pad(sb, l.statusLabel(), wStatus).append("  ");
            pad(sb, f.id(), wId).append("  ");
            pad(sb, f.subject(), wSubject).append("  ");
            sb.append(oneLine(l.detail()));
            if (!f.fix().isEmpty() && l.effectiveStatus() != FindingStatus.PASS) {
                sb.append(" | fix: ").append(oneLine(f.fix()));
            }
            sb.append('\n');
        }
        sb.append(count(FindingStatus.PASS)).append(" PASS, ")
                .append(count(FindingStatus.WARN)).append(" WARN, ")
                .append(count(FindingStatus.FAIL)).append(" FAIL");
        if (hasFailures() && environment.isProduction()) {
            sb.append(" - refusing to start in production");
        } else if (hasFailures()) {
            sb.append(" - refusing to start");
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * Renders the report as one JSON object: environment, summary counts and every line with its
     * original and effective status and any silence.
     *
     * @return compact JSON
     */
    public String toJson() {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (FindingStatus s : FindingStatus.values()) {
            summary.put(s.name().toLowerCase(java.util.Locale.ROOT), count(s));
        }
        List<Object> items = new ArrayList<>();
        for (Line l : lines) {
            Finding f = l.finding();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("status", l.effectiveStatus().name());
            m.put("reportedStatus", f.status().name());
            m.put("rule", f.rule());
            m.put("subject", f.subject());
            m.put("detail", l.detail());
            m.put("fix", f.fix());
            l.silence().ifPresent(s -> {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("reason", s.reason());
                sm.put("expires", s.expires().toString());
                sm.put("expired", l.silenceExpired());
                m.put("silence", sm);
            });
            items.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("environment", environment.name());
        root.put("summary", summary);
        root.put("findings", items);
        return Json.write(root);
    }

    @Override
    public String toString() {
        return renderTable();
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * A request to accept a finding for a while.
     *
     * @param key     the finding's id ({@code HC-S002}) or id and subject ({@code HC-S002:SECRET_KEY})
     * @param reason  why it is acceptable; must not be blank
     * @param expires the last day the silence holds; after it the finding counts as FAIL
     */
    public record Silence(String key, String reason, LocalDate expires) {
        /**
         * @param key     the finding id, or id and subject
         * @param reason  why it is acceptable
         * @param expires the last day the silence holds
         * @throws IllegalArgumentException if the key or reason is blank
         * @throws NullPointerException     if any field is null
         */
        public Silence {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(expires, "expires");
            if (key.isBlank()) {
                throw new IllegalArgumentException("silence key: blank (expected: a finding id such as HC-S002)");
            }
            if (reason.isBlank()) {
                throw new IllegalArgumentException("silence " + key + ": reason is blank (expected: why the finding is acceptable)");
            }
        }

        boolean matches(Finding f) {
            return key.equals(f.id()) || key.equals(f.key());
        }
    }

    /**
     * One rendered line: a finding, the silence that applies to it if any, and the status that
     * counts.
     *
     * @param finding         the finding as contributed
     * @param silence         the matching silence, if any
     * @param effectiveStatus PASS while silenced, FAIL once the silence expired, else the finding's
     * @param silenceExpired  whether the matching silence has expired
     */
    public record Line(Finding finding, Optional<Silence> silence, FindingStatus effectiveStatus, boolean silenceExpired) {

        String statusLabel() {
            if (silence.isPresent() && !silenceExpired) {
                return "SILENCED";
            }
            return effectiveStatus.name();
        }

        String detail() {
            if (silence.isEmpty()) {
                return finding.detail();
            }
            Silence s = silence.get();
            String prefix = silenceExpired
                    ? "silence expired on " + s.expires() + " (" + s.reason() + "); "
                    : "silenced until " + s.expires() + " (" + s.reason() + "); ";
            return prefix + finding.status().name() + ": " + finding.detail();
        }
    }

    /**
     * Collects findings and silences. Findings and silences accumulate; the time source is set
     * at most once ({@code timeSource: already set}). Not thread-safe.
     */
    public static final class Builder {
        private final AppEnvironment environment;
        private final List<Finding> findings = new ArrayList<>();
        private final List<Silence> silences = new ArrayList<>();
        private TimeSource timeSource;

        private Builder(AppEnvironment environment) {
            this.environment = environment;
        }

        /**
         * @param finding a finding to include
         * @return this builder
         * @throws NullPointerException if {@code finding} is null
         */
        public Builder add(Finding finding) {
            findings.add(Checks.notNull(finding, "finding"));
            return this;
        }

        /**
         * @param more findings to include, in order
         * @return this builder
         * @throws NullPointerException if {@code more} or an element is null
         */
        public Builder addAll(Collection<Finding> more) {
            for (Finding f : more) {
                add(f);
            }
            return this;
        }

        /**
         * Runs a component's check for this report's environment and includes its findings. A
         * check that throws becomes a FAIL finding naming the check's class, not the message.
         *
         * @param check the component's check
         * @return this builder
         * @throws NullPointerException if {@code check} is null
         */
        public Builder check(StartupCheck check) {
            Checks.notNull(check, "check");
            List<Finding> out;
            try {
                out = check.findings(environment);
            } catch (RuntimeException e) {
                out = List.of(Finding.fail("HC-R002", "startup report", check.getClass().getSimpleName(),
                        "the check threw " + e.getClass().getSimpleName(),
                        "fix the component's check; it must report problems as findings"));
            }
            return addAll(out == null ? List.of() : out);
        }

        /**
         * Silences a finding until a date, with a reason.
         *
         * @param key     the finding id, or {@code id:subject}
         * @param reason  why it is acceptable for now
         * @param expires the last day the silence holds (UTC)
         * @return this builder
         * @throws IllegalArgumentException if the key or reason is blank
         * @throws NullPointerException     if an argument is null
         */
        public Builder silence(String key, String reason, LocalDate expires) {
            silences.add(new Silence(key, reason, expires));
            return this;
        }

        /**
         * @param more silences to apply, such as {@link BoundConfig#silences()}
         * @return this builder
         * @throws NullPointerException if {@code more} or an element is null
         */
        public Builder silences(Collection<Silence> more) {
            for (Silence s : more) {
                silences.add(Checks.notNull(s, "silence"));
            }
            return this;
        }

        /**
         * @param time the time source whose wall clock (UTC) decides whether silences have
         *             expired; default {@link TimeSource#system()}
         * @return this builder
         * @throws IllegalStateException if already set ({@code timeSource: already set})
         * @throws NullPointerException  if {@code time} is null
         */
        public Builder timeSource(TimeSource time) {
            timeSource = Checks.setOnce(timeSource, time, "timeSource");
            return this;
        }

        /** @return the report, with silences judged against today's date in UTC */
        public StartupReport build() {
            TimeSource time = timeSource == null ? TimeSource.system() : timeSource;
            LocalDate today = LocalDate.ofInstant(time.now(), ZoneOffset.UTC);
            List<Line> lines = new ArrayList<>(findings.size());
            List<Silence> used = new ArrayList<>();
            for (Finding f : findings) {
                Silence match = null;
                if (silenceable(f)) {
                    for (Silence s : silences) {
                        if (s.matches(f)) {
                            match = s;
                            break;
                        }
                    }
                }
                if (match == null) {
                    lines.add(new Line(f, Optional.empty(), f.status(), false));
                    continue;
                }
                used.add(match);
                boolean expired = today.isAfter(match.expires());
                FindingStatus effective = expired ? FindingStatus.FAIL : FindingStatus.PASS;
                lines.add(new Line(f, Optional.of(match), effective, expired));
            }
            for (Silence s : silences) {
                if (!used.contains(s)) {
                    lines.add(new Line(Finding.warn("HC-R001", "startup report", s.key(),
                            "silence matches no finding that can be silenced (reason: " + s.reason() + ", until " + s.expires() + ")",
                            "remove the silence for " + s.key()), Optional.empty(), FindingStatus.WARN, false));
                }
            }
            return new StartupReport(environment, Collections.unmodifiableList(lines));
        }
    }
}
