package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * Secrets the application declares required ({@code hardening.required-secrets}), read and judged
 * exactly as hardening-config reads its own: {@code NAME} or {@code NAME_FILE} from any Spring
 * property source, checked by the secret policy as an HMAC key (at least 32 bytes, not a known
 * default), required in production, generated once and kept under {@code .hardening/dev-secrets} in
 * dev mode. Every problem is a line of the startup report with hardening-config's own id
 * ({@code HC-E001} missing, {@code HC-S001} weak, …) and the variable as subject. Immutable and thread-safe.
 */
public final class RequiredSecrets implements StartupCheck {

    /** Variable names this binds: upper case, ending in {@code _KEY} or {@code SECRET}. */
    public static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*_KEY|([A-Z][A-Z0-9_]*_)?SECRET");

    /** A variable ending in {@code _KEY}: the prefix is everything before {@code KEY}. */
    record KeyBinding(@SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret key) {
    }

    /** A variable ending in {@code SECRET}: the prefix is everything before {@code SECRET}. */
    record SecretBinding(@SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secret) {
    }

    private final Map<String, Secret> secrets;
    private final List<Finding> findings;

    private RequiredSecrets(Map<String, Secret> secrets, List<Finding> findings) {
        this.secrets = Map.copyOf(secrets);
        this.findings = List.copyOf(findings);
    }

    /**
     * Binds every variable now, collecting every problem.
     *
     * @param names       the variables
     * @param environment Spring's environment, where {@code NAME} and {@code NAME_FILE} are looked up
     * @param mode        the mode the service runs in
     * @return the bound secrets and their report lines
     */
    public static RequiredSecrets bind(List<String> names, Environment environment, AppEnvironment mode) {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (String raw : names) {
            String name = raw == null ? "" : raw.strip();
            if (!NAME.matcher(name).matches()) {
                findings.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, "hardening.required-secrets",
                        PropertyVariables.quote(name) + " is not a variable name ending in _KEY or SECRET",
                        "write upper case letters, digits and underscores ending in _KEY or SECRET, such as SECRET_KEY"));
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put(AppEnvironment.VARIABLE, mode.name().toLowerCase(Locale.ROOT));
            for (String suffix : List.of("", "_FILE")) {
                String value = environment.getProperty(name + suffix);
                if (value != null && !value.isEmpty()) {
                    env.put(name + suffix, value);
                }
            }
            boolean key = name.endsWith("_KEY");
            String prefix = name.substring(0, name.length() - (key ? "KEY" : "SECRET").length());
            HardeningConfig.Builder config = HardeningConfig.builder().environment(env);
            if (!prefix.isEmpty()) {
                config.prefix(prefix);
            }
            try {
                if (key) {
                    BoundConfig<KeyBinding> bound = config.build().bind(KeyBinding.class);
                    secrets.put(name, bound.settings().key());
                    findings.addAll(withoutModeLine(bound.findings()));
                } else {
                    BoundConfig<SecretBinding> bound = config.build().bind(SecretBinding.class);
                    secrets.put(name, bound.settings().secret());
                    findings.addAll(withoutModeLine(bound.findings()));
                }
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    findings.add(PropertyVariables.line(p));
                }
                findings.addAll(withoutModeLine(e.findings()));
            }
        }
        return new RequiredSecrets(secrets, findings);
    }

    /** Each bind reports the mode ({@code HC-M001}); the report prints that line once, itself. */
    private static List<Finding> withoutModeLine(List<Finding> findings) {
        return findings.stream().filter(f -> !f.id().equals(StartupReportEnforcer.MODE_ID)).toList();
    }

    /**
     * @param name a variable of {@code hardening.required-secrets}
     * @return its secret, when it was bound
     */
    public Optional<Secret> get(String name) {
        return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return findings;
    }
}
