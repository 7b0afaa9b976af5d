package dev.hardening.config;

import dev.hardening.config.internal.SecretStrength;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether a secret is strong enough for its purpose. A secret is rejected when it:
 * <ul>
 *   <li>is or contains a well-known default or placeholder ({@code changeme}, {@code minioadmin},
 *       {@code your-256-bit-secret}, {@code django-insecure-…}, {@code …EXAMPLE…}, {@code <…>},
 *       {@code ${…}}, {@code {{…}}}, {@code replace-me}, …), ignoring case, also once decoded
 *       from base64 or hex ({@code deny-list});</li>
 *   <li>equals its own variable name ({@code name-as-value});</li>
 *   <li>carries fewer decoded bytes than its purpose needs, for example 32 for an HMAC key
 *       ({@code too-short});</li>
 *   <li>uses fewer than 5 distinct characters ({@code few-distinct-characters});</li>
 *   <li>is estimated below 128 bits once repetitions and sequences are discounted
 *       ({@code low-strength}), or is mostly such a pattern ({@code pattern});</li>
 *   <li>has leading or trailing white space, usually a copy-paste accident
 *       ({@code surrounding-whitespace}).</li>
 * </ul>
 * {@code openssl rand -base64 32} and {@code openssl rand -hex 32} pass for every purpose.
 * Reuse of one value for two secrets is checked by the binder, which sees all of them.
 *
 * <p>Weakness messages name the problem and never the value. Thread-safe.
 */
public final class SecretPolicy {

    /** The minimum estimated strength, in bits (OWASP ASVS 11.5.1). */
    public static final int MINIMUM_BITS = 128;

    /** The minimum number of distinct characters. */
    public static final int MINIMUM_DISTINCT_CHARACTERS = 5;

    private static final SecretPolicy STANDARD = new SecretPolicy();

    private SecretPolicy() {
    }

    /** @return the policy described above */
    public static SecretPolicy standard() {
        return STANDARD;
    }

    /**
     * Assesses a secret for a purpose.
     *
     * @param secret  the secret (only its current value is assessed)
     * @param purpose what it is used for
     * @param name    the variable it came from, used for the name-as-value check; may be empty
     * @return the assessment; {@link SecretAssessment#acceptable()} tells the verdict
     */
    public SecretAssessment assess(Secret secret, SecretPurpose purpose, String name) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(name, "name");
        String value = secret.reveal();
        List<SecretAssessment.Weakness> weaknesses = new ArrayList<>();

        String deny = SecretStrength.denyReason(value);
        String decoded = SecretStrength.decodedText(value);
        if (deny == null && decoded != null) {
            String decodedDeny = SecretStrength.denyReason(decoded);
            if (decodedDeny != null) {
                deny = decodedDeny + " (once decoded)";
            }
        }
        if (deny != null) {
            weaknesses.add(new SecretAssessment.Weakness("deny-list", deny));
        }
        if (!name.isEmpty() && normalise(value).equals(normalise(name))) {
            weaknesses.add(new SecretAssessment.Weakness("name-as-value", "equals its own variable name"));
        }
        if (!value.strip().equals(value)) {
            weaknesses.add(new SecretAssessment.Weakness("surrounding-whitespace",
                    "has leading or trailing white space (a copy-paste accident?)"));
        }
        int decodedBytes = SecretStrength.decodedLength(value);
        if (decodedBytes < purpose.minimumBytes()) {
            weaknesses.add(new SecretAssessment.Weakness("too-short", decodedBytes + " decoded bytes ("
                    + SecretStrength.encoding(value).name().toLowerCase(Locale.ROOT) + "), " + purpose.name() + " needs at least "
                    + purpose.minimumBytes()));
        }
        int distinct = SecretStrength.distinctCharacters(value);
        if (distinct < MINIMUM_DISTINCT_CHARACTERS) {
            weaknesses.add(new SecretAssessment.Weakness("few-distinct-characters",
                    "uses " + distinct + " distinct characters, needs at least " + MINIMUM_DISTINCT_CHARACTERS));
        }
        SecretStrength.Estimate estimate = SecretStrength.estimate(value);
        double bits = estimate.bits();
        if (decoded != null) {
            bits = Math.min(bits, SecretStrength.estimate(decoded).bits());
        }
        if (estimate.patterned() * 2 >= value.length()) {
            weaknesses.add(new SecretAssessment.Weakness("pattern",
                    "is mostly repetition, a sequence or common words (" + estimate.patterned() + " of " + value.length() + " characters)"));
        }
        if (bits < MINIMUM_BITS) {
            weaknesses.add(new SecretAssessment.Weakness("low-strength",
                    "estimated strength " + Math.round(bits) + " bits, needs at least " + MINIMUM_BITS));
        }
        return new SecretAssessment(purpose, decodedBytes, bits, secret.describe(), weaknesses);
    }

    private static String normalise(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
