package dev.hardening.config.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.DevSecretStore;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds {@link Secret} and {@link RotatingSecret} settings: the value (or a generated dev secret),
 * the previous values for rotation, and afterwards the policy findings: strength of every value
 * ({@code HC-S001}), one value used twice ({@code HC-S002}), a file others can read
 * ({@code HC-S003}), a generated dev secret ({@code HC-S004}). One instance per bind; not
 * thread-safe.
 */
final class SecretBinding {

    private record BoundSecret(String variable, Secret secret, SecretPurpose purpose) {
    }

    private final Sources sources;
    private final AppEnvironment environment;
    private final Path devSecretsDirectory;
    private final TimeSource time;
    private final List<ConfigProblem> problems;
    private final List<Finding> findings;
    private final List<BoundSecret> secrets = new ArrayList<>();
    private final List<RotatingSecret> rotating = new ArrayList<>();
    private final Set<String> values = new LinkedHashSet<>();

    SecretBinding(Sources sources, AppEnvironment environment, Path devSecretsDirectory, TimeSource time,
                  List<ConfigProblem> problems, List<Finding> findings) {
        this.sources = sources;
        this.environment = environment;
        this.devSecretsDirectory = devSecretsDirectory;
        this.time = time;
        this.problems = problems;
        this.findings = findings;
    }

    /** @return every secret value bound, to keep out of messages */
    Set<String> values() {
        return values;
    }

    /** @return the rotating secrets bound, in declaration order */
    List<RotatingSecret> rotating() {
        return List.copyOf(rotating);
    }

    /**
     * The outcome of binding one secret.
     *
     * @param value   the component's value (wrapped in {@code Optional} where declared so), or null
     * @param display the printable description, or null
     * @param source  where the value came from, or null
     * @param absent  whether nothing was set and nothing generated (the caller decides if that is missing)
     */
    record Bound(Object value, String display, String source, boolean absent) {
    }

    /**
     * @param leaf the secret setting
     * @param raw  what the sources hold for it, or null
     * @return the outcome; a problem, when there was one, has been recorded and the value is null
     */
    Bound bind(Schema.Leaf leaf, Sources.Raw raw) {
        SecretPurpose purpose = leaf.secretSetting() == null ? SecretPurpose.TOKEN : leaf.secretSetting().purpose();
        Secret secret;
        String source;
        if (raw != null) {
            secret = Secret.of(raw.value());
            source = raw.source();
            if (raw.othersCanReadFile()) {
                findings.add(Finding.warn("HC-S003", Binder.FACTOR_III, leaf.env(), raw.source() + " is readable by group or others",
                        "restrict it to the service's user (chmod 0400; Kubernetes: defaultMode 0400)"));
            }
        } else if (!environment.isProduction() && leaf.secretSetting() != null && leaf.secretSetting().generateInDev()) {
            DevSecretStore store = DevSecretStore.forEnvironment(environment, devSecretsDirectory);
            try {
                secret = store.secret(leaf.env(), Math.max(32, purpose.minimumBytes()));
            } catch (RuntimeException e) {
                problems.add(new ConfigProblem(ProblemCode.BAD_FILE, leaf.env(), "dev secret store " + store.directory(),
                        e.getMessage(), "fix the permissions of " + store.directory() + " or delete the file to regenerate"));
                return new Bound(null, null, null, false);
            }
            source = "generated dev secret " + store.directory().resolve(leaf.env());
            findings.add(Finding.warn("HC-S004", Binder.FACTOR_III, leaf.env(), "generated for " + environment.name()
                    + " and kept in " + store.directory().resolve(leaf.env()) + " (reused across restarts)",
                    "set " + leaf.env() + " explicitly outside development"));
        } else {
            return new Bound(null, null, null, true);
        }
        String previousVariable = leaf.env() + "_PREVIOUS";
        int before = problems.size();
        Sources.Raw previousRaw = sources.lookupWithFile(previousVariable);
        if (problems.size() > before) {
            return new Bound(null, null, null, false);
        }
        List<Secret> previous = previousValues(previousVariable, previousRaw);
        if (previous == null) {
            return new Bound(null, null, null, false);
        }
        secret = secret.withPrevious(previous);
        for (Secret s : secret.candidates()) {
            values.add(s.reveal());
        }
        secrets.add(new BoundSecret(leaf.env(), secret, purpose));
        Object value = secret;
        String display = secret.describe() + (previous.isEmpty() ? "" : " + " + previous.size() + " previous");
        if (leaf.rotating()) {
            ReloadingSecret.Origin current = raw == null ? new ReloadingSecret.Origin(source, null, null)
                    : new ReloadingSecret.Origin(raw.source(), raw.file(), raw.stamp());
            ReloadingSecret.Origin previousOrigin = previousRaw == null ? new ReloadingSecret.Origin("", null, null)
                    : new ReloadingSecret.Origin(previousRaw.source(), previousRaw.file(), previousRaw.stamp());
            ReloadingSecret r = ReloadingSecret.bound(leaf.env(), purpose, environment, time, secret, current, previous, previousOrigin);
            rotating.add(r);
            value = r;
            display += raw != null && raw.fromFile() ? ", re-read when the file changes" : ", fixed";
        }
        return new Bound(leaf.optional() ? Optional.of(value) : value, display, source, false);
    }

    private List<Secret> previousValues(String var, Sources.Raw raw) {
        if (raw == null) {
            return List.of();
        }
        List<String> items = raw.fromFile() ? List.of(raw.value().split("\r?\n", -1)) : Converters.splitList(raw.value());
        List<Secret> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
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

    /** Adds the strength ({@code HC-S001}) and reuse ({@code HC-S002}) findings of every secret bound. */
    void policyFindings() {
        SecretPolicy policy = SecretPolicy.standard();
        for (BoundSecret b : secrets) {
            List<Secret> candidates = b.secret().candidates();
            for (int i = 0; i < candidates.size(); i++) {
                String subject = i == 0 ? b.variable() : b.variable() + "_PREVIOUS[" + i + "]";
                SecretAssessment a = policy.assess(candidates.get(i), b.purpose(), b.variable());
                if (a.acceptable()) {
                    findings.add(Finding.pass("HC-S001", Binder.FACTOR_III, subject, b.purpose().name() + " strong enough: " + a.summary(), ""));
                } else {
                    findings.add(new Finding("HC-S001", environment.policyViolation(), Binder.FACTOR_III, subject,
                            b.purpose().name() + " too weak: " + a.summary(),
                            "generate a new value, for example: openssl rand -base64 " + Math.max(32, b.purpose().minimumBytes())));
                }
            }
        }
        Map<Integer, List<String>> owners = new LinkedHashMap<>();
        List<Secret> seen = new ArrayList<>();
        for (BoundSecret b : secrets) {
            List<Secret> candidates = b.secret().candidates();
            for (int i = 0; i < candidates.size(); i++) {
                String subject = i == 0 ? b.variable() : b.variable() + "_PREVIOUS[" + i + "]";
                Secret s = candidates.get(i);
                int key = -1;
                for (int k = 0; k < seen.size(); k++) {
                    if (seen.get(k).matches(s.reveal())) {
                        key = k;
                        break;
                    }
                }
                if (key < 0) {
                    key = seen.size();
                    seen.add(s);
                }
                owners.computeIfAbsent(key, k -> new ArrayList<>()).add(subject);
            }
        }
        for (List<String> group : owners.values()) {
            if (group.size() > 1) {
                findings.add(new Finding("HC-S002", environment.policyViolation(), Binder.FACTOR_III, String.join(",", group),
                        "the same value is used for " + String.join(" and ", group),
                        "give every secret its own value"));
            }
        }
    }
}
