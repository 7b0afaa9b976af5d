package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretAssessment;
import dev.hardening.config.SecretPolicy;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.TimeSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RotatingSecret} the binder creates: fixed values from variables, or values that
 * follow their {@code NAME_FILE} / {@code NAME_PREVIOUS_FILE}. Public only for
 * {@link RotatingSecret#none} and {@link RotatingSecret#fixed}.
 *
 * <p>Thread-safe: the state is one immutable snapshot behind a volatile field; a compare-and-set
 * on the next check time lets one caller per interval look at the files.
 */
public final class ReloadingSecret implements RotatingSecret {

    private static final class Log {
        static final Logger INSTANCE = LoggerFactory.getLogger("dev.hardening.config");
    }

    private static final long INTERVAL_NANOS = CHECK_INTERVAL.toNanos();

    /**
     * Where one of the two values comes from.
     *
     * @param source the description, such as {@code environment variable X} or {@code file /run/x (X_FILE)}
     * @param file   the file followed, or null for a fixed value
     * @param stamp  the file's identity when it was read at bind time, or null
     */
    record Origin(String source, Path file, SecretFiles.Stamp stamp) {
        static final Origin NONE = new Origin("", null, null);
    }

    /** Everything that can change, replaced as a whole. */
    private record State(Secret current, List<Secret> previous, SecretFiles.Stamp currentSeen, SecretFiles.Stamp previousSeen,
                         ConfigProblem currentProblem, ConfigProblem previousProblem) {
    }

    private final String variable;
    private final SecretPurpose purpose;
    private final AppEnvironment environment;
    private final TimeSource time;
    private final Origin currentOrigin;
    private final Origin previousOrigin;
    private final AtomicLong nextCheck;
    private volatile State state;

    private ReloadingSecret(String variable, SecretPurpose purpose, AppEnvironment environment, TimeSource time,
                            Secret current, Origin currentOrigin, List<Secret> previous, Origin previousOrigin) {
        this.variable = variable;
        this.purpose = purpose;
        this.environment = environment;
        this.time = time;
        this.currentOrigin = currentOrigin;
        this.previousOrigin = previousOrigin;
        this.state = new State(current == null ? null : current.withPrevious(previous), List.copyOf(previous),
                currentOrigin.stamp(), previousOrigin.stamp(), null, null);
        this.nextCheck = new AtomicLong(follows() ? time.nanoTime() + INTERVAL_NANOS : Long.MAX_VALUE);
    }

    /**
     * @param variable the variable
     * @return a secret that is not configured
     */
    public static ReloadingSecret none(String variable) {
        return new ReloadingSecret(variable, SecretPurpose.TOKEN, AppEnvironment.PRODUCTION, TimeSource.system(), null,
                new Origin("not set", null, null), List.of(), Origin.NONE);
    }

    /**
     * @param variable the variable
     * @param secret   the value and its previous values
     * @return a secret that never changes
     */
    public static ReloadingSecret fixed(String variable, Secret secret) {
        return new ReloadingSecret(variable, SecretPurpose.TOKEN, AppEnvironment.PRODUCTION, TimeSource.system(), secret,
                new Origin("given by the application", null, null), secret.previous(),
                new Origin("the application", null, null));
    }

    /** Made by the binder from what it read; the values were already checked by the policy there. */
    static ReloadingSecret bound(String variable, SecretPurpose purpose, AppEnvironment environment, TimeSource time,
                                 Secret current, Origin currentOrigin, List<Secret> previous, Origin previousOrigin) {
        return new ReloadingSecret(variable, purpose, environment, time, current, currentOrigin, previous, previousOrigin);
    }

    private boolean follows() {
        return currentOrigin.file() != null || previousOrigin.file() != null;
    }

    @Override
    public String variable() {
        return variable;
    }

    @Override
    public Optional<Secret> current() {
        maybeRefresh();
        return Optional.ofNullable(state.current());
    }

    @Override
    public Optional<Secret> previous() {
        maybeRefresh();
        List<Secret> p = state.previous();
        return p.isEmpty() ? Optional.empty() : Optional.of(p.get(0));
    }

    @Override
    public List<ConfigProblem> problems() {
        maybeRefresh();
        State s = state;
        List<ConfigProblem> out = new ArrayList<>(2);
        if (s.currentProblem() != null) {
            out.add(s.currentProblem());
        }
        if (s.previousProblem() != null) {
            out.add(s.previousProblem());
        }
        return List.copyOf(out);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(currentOrigin.source());
        sb.append(currentOrigin.file() != null ? ", re-read when it changes (checked at most every "
                + CHECK_INTERVAL.toSeconds() + "s)" : ", fixed while the process runs");
        if (previousOrigin.file() != null || !state.previous().isEmpty()) {
            sb.append("; ").append(state.previous().size()).append(" previous from ").append(previousOrigin.source());
            if (previousOrigin.file() != null) {
                sb.append(", re-read when it changes");
            }
        }
        return sb.toString();
    }

    /**
     * {@code HC-S005} (PASS) tells where the secret comes from and whether it follows changes;
     * {@code HC-S006} (WARN) lists a change that was not taken.
     */
    @Override
    public List<Finding> findings(AppEnvironment ignored) {
        List<Finding> out = new ArrayList<>(3);
        String rotation = currentOrigin.file() != null ? "rotates without restart: " : "rotating it needs a restart: ";
        out.add(Finding.pass("HC-S005", Binder.FACTOR_III, variable, rotation + describe(),
                currentOrigin.file() != null ? "" : "set " + variable + "_FILE to rotate without restart"));
        for (ConfigProblem p : problems()) {
            out.add(Finding.warn("HC-S006", Binder.FACTOR_III, p.variable(), p.message() + "; the last good value stays in use",
                    p.fix()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "RotatingSecret[" + variable + ", " + (state.current() == null ? "not set" : state.current().describe()) + "]";
    }

    private void maybeRefresh() {
        long next = nextCheck.get();
        long now = time.nanoTime();
        if (now - next < 0 || !nextCheck.compareAndSet(next, now + INTERVAL_NANOS)) {
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            // never an outage: keep what we have; the next interval tries again
            Log.INSTANCE.warn("{}: checking for a new value failed ({}); keeping the last good value", variable,
                    e.getClass().getSimpleName());
        }
    }

    private void refresh() {
        State s = state;
        Secret current = s.current();
        List<Secret> previous = s.previous();
        SecretFiles.Stamp currentSeen = s.currentSeen();
        SecretFiles.Stamp previousSeen = s.previousSeen();
        ConfigProblem currentProblem = s.currentProblem();
        ConfigProblem previousProblem = s.previousProblem();
        boolean changed = false;

        Path file = currentOrigin.file();
        if (file != null) {
            SecretFiles.Stamp stamp = SecretFiles.Stamp.of(file);
            if (stamp == null || !stamp.equals(currentSeen)) {
                if (stamp != null || currentSeen != null) {
                    changed = true;
                    currentSeen = stamp;
                    String var = variable + "_FILE";
                    try {
                        SecretFiles.Content c = SecretFiles.read(file);
                        currentSeen = c.stamp();
                        Secret candidate = Secret.of(c.value());
                        ConfigProblem weak = weakness(var, file, List.of(candidate));
                        if (weak == null) {
                            current = candidate;
                            currentProblem = null;
                            Log.INSTANCE.info("{}: new value read from {}", variable, file);
                        } else {
                            currentProblem = rejected(weak);
                        }
                    } catch (SecretFiles.BadFileException e) {
                        currentProblem = rejected(new ConfigProblem(ProblemCode.BAD_FILE, variable, "file " + file + " (" + var + ")",
                                e.getMessage(), e.fix()));
                    }
                }
            }
        }
        Path pfile = previousOrigin.file();
        if (pfile != null) {
            SecretFiles.Stamp stamp = SecretFiles.Stamp.of(pfile);
            if ((stamp == null || !stamp.equals(previousSeen)) && (stamp != null || previousSeen != null)) {
                changed = true;
                previousSeen = stamp;
                String var = variable + "_PREVIOUS_FILE";
                String name = variable + "_PREVIOUS";
                try {
                    SecretFiles.Content c = SecretFiles.read(pfile);
                    previousSeen = c.stamp();
                    List<Secret> candidates = new ArrayList<>();
                    ConfigProblem bad = null;
                    String[] lines = c.value().split("\r?\n", -1);
                    for (int i = 0; i < lines.length && bad == null; i++) {
                        if (lines[i].isBlank()) {
                            bad = new ConfigProblem(ProblemCode.UNPARSABLE, name, "file " + pfile + " (" + var + ")",
                                    "previous value " + (i + 1) + " of " + lines.length + " is empty",
                                    "write one value per line, no blank lines");
                        } else {
                            candidates.add(Secret.of(lines[i]));
                        }
                    }
                    if (bad == null) {
                        bad = weakness(var, pfile, candidates);
                    }
                    if (bad == null) {
                        previous = List.copyOf(candidates);
                        previousProblem = null;
                        Log.INSTANCE.info("{}: new previous values read from {}", variable, pfile);
                    } else {
                        previousProblem = rejected(bad);
                    }
                } catch (SecretFiles.BadFileException e) {
                    previousProblem = rejected(new ConfigProblem(ProblemCode.BAD_FILE, name, "file " + pfile + " (" + var + ")",
                            e.getMessage(), e.fix()));
                }
            }
        }
        if (changed) {
            state = new State(current == null ? null : current.withPrevious(previous), previous, currentSeen, previousSeen,
                    currentProblem, previousProblem);
        }
    }

    /** In production a value the policy rejects is not taken; elsewhere weak values are accepted as at boot. */
    private ConfigProblem weakness(String var, Path file, List<Secret> values) {
        if (!environment.isProduction()) {
            return null;
        }
        for (Secret v : values) {
            SecretAssessment a = SecretPolicy.standard().assess(v, purpose, variable);
            if (!a.acceptable()) {
                return new ConfigProblem(ProblemCode.WEAK_SECRET, variable, "file " + file + " (" + var + ")",
                        "new value is too weak for " + purpose.name() + ": " + a.summary(),
                        "write a strong value, for example: openssl rand -base64 " + Math.max(32, purpose.minimumBytes()));
            }
        }
        return null;
    }

    private ConfigProblem rejected(ConfigProblem p) {
        Log.INSTANCE.warn("{}: new value in {} rejected ({}); keeping the last good value", p.variable(), p.source(),
                p.message());
        return p;
    }
}
