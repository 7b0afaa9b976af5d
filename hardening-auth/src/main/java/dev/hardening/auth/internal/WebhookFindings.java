package dev.hardening.auth.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.Secret;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Startup findings shared by the webhook verifiers of the API package (which is why it is public;
 * other modules must not use it). Stateless and thread-safe.
 */
public final class WebhookFindings {

    /** Shortest webhook secret that passes: 20 characters. */
    public static final int MIN_SECRET_LENGTH = 20;

    private WebhookFindings() {
    }

    /**
     * @param setting  the secret's setting name
     * @param secret   the current secret's supplier
     * @param previous the previous secret's supplier
     * @param env      the environment
     * @return the findings (HA-W001 / HA-W002), never naming a secret value
     */
    public static List<Finding> of(String setting, Supplier<Optional<Secret>> secret, Supplier<Optional<Secret>> previous,
                            AppEnvironment env) {
        String rule = "Auth: webhook signatures";
        Optional<Secret> s;
        try {
            s = secret.get();
        } catch (RuntimeException e) {
            return List.of(new Finding("HA-W001", env.policyViolation(), rule, setting,
                    "the secret cannot be read; deliveries are refused with 503",
                    "set " + setting + " or " + setting + "_FILE"));
        }
        if (s == null || s.isEmpty()) {
            return List.of(new Finding("HA-W001", env.policyViolation(), rule, setting,
                    "unset: the webhook endpoint answers 503 (verification is never skipped)",
                    "set " + setting + " or " + setting + "_FILE to the secret configured at the sender"));
        }
        if (s.get().length() < MIN_SECRET_LENGTH) {
            return List.of(new Finding("HA-W002", env.policyViolation(), rule, setting,
                    "secret is short (" + s.get().describe() + ")", "use at least " + MIN_SECRET_LENGTH
                    + " random characters, e.g. openssl rand -hex 32"));
        }
        int rotating = Hmac.candidates(s.get(), previous).size() - 1;
        return List.of(Finding.pass("HA-W001", rule, setting, "set (" + s.get().describe() + "), HMAC-SHA256 verified in constant time"
                + (rotating == 0 ? "" : ", " + rotating + " previous secret(s) accepted during a rotation"), ""));
    }
}
