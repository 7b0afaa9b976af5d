package dev.hardening.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The verdict of the {@link SecretPolicy} on one secret. Holds no part of the value.
 *
 * @param purpose       the purpose assessed for
 * @param decodedBytes  the key bytes the value carries once decoded
 * @param estimatedBits the estimated strength in bits
 * @param description   length and character class, safe to print
 * @param weaknesses    what is wrong; empty when acceptable
 */
public record SecretAssessment(SecretPurpose purpose, int decodedBytes, double estimatedBits, String description,
                               List<Weakness> weaknesses) {

    /**
     * Copies the list.
     *
     * @param purpose       the purpose assessed for
     * @param decodedBytes  the key bytes the value carries once decoded
     * @param estimatedBits the estimated strength in bits
     * @param description   length and character class
     * @param weaknesses    what is wrong
     */
    public SecretAssessment {
        weaknesses = List.copyOf(weaknesses);
    }

    /** @return whether no weakness was found */
    public boolean acceptable() {
        return weaknesses.isEmpty();
    }

    /** @return the weaknesses as one line, or a summary of the strength when there are none */
    public String summary() {
        if (acceptable()) {
            return description + "; " + decodedBytes + " decoded bytes, ~" + Math.round(estimatedBits) + " bits";
        }
        return description + "; " + weaknesses.stream().map(w -> w.code() + ": " + w.message())
                .collect(Collectors.joining("; "));
    }

    /**
     * One reason a secret is weak.
     *
     * @param code    stable code, such as {@code deny-list} or {@code too-short}
     * @param message what is wrong, never the value
     */
    public record Weakness(String code, String message) {
    }
}
