package dev.hardening.config;

import java.util.Objects;

/**
 * One line of the startup report: the outcome of one check on one subject.
 *
 * @param id     stable identifier of the check, such as {@code HC-S002}; used to silence it
 * @param status PASS, WARN or FAIL
 * @param rule   the 12-factor factor or rule the check enforces, such as {@code III. Config}
 * @param subject what was checked, such as the variable {@code SECRET_KEY}; may be empty
 * @param detail what was found, already redacted: never a secret value
 * @param fix    what to do about it; may be empty for PASS
 */
public record Finding(String id, FindingStatus status, String rule, String subject, String detail, String fix) {

    /**
     * Validates the fields.
     *
     * @param id      stable identifier of the check
     * @param status  PASS, WARN or FAIL
     * @param rule    the rule or 12-factor factor it enforces
     * @param subject what was checked; may be empty
     * @param detail  what was found, redacted
     * @param fix     what to do about it
     * @throws NullPointerException     if any field is null
     * @throws IllegalArgumentException if the id is blank
     */
    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id: blank (expected: a stable identifier such as HC-S001)");
        }
    }

    /**
     * A PASS finding.
     *
     * @param id      stable identifier of the check
     * @param rule    the rule or 12-factor factor it enforces
     * @param subject what was checked; may be empty
     * @param detail  what was found, redacted
     * @param fix     what to do about it
     * @return the finding
     */
    public static Finding pass(String id, String rule, String subject, String detail, String fix) {
        return new Finding(id, FindingStatus.PASS, rule, subject, detail, fix);
    }

    /**
     * A WARN finding.
     *
     * @param id      stable identifier of the check
     * @param rule    the rule or 12-factor factor it enforces
     * @param subject what was checked; may be empty
     * @param detail  what was found, redacted
     * @param fix     what to do about it
     * @return the finding
     */
    public static Finding warn(String id, String rule, String subject, String detail, String fix) {
        return new Finding(id, FindingStatus.WARN, rule, subject, detail, fix);
    }

    /**
     * A FAIL finding.
     *
     * @param id      stable identifier of the check
     * @param rule    the rule or 12-factor factor it enforces
     * @param subject what was checked; may be empty
     * @param detail  what was found, redacted
     * @param fix     what to do about it
     * @return the finding
     */
    public static Finding fail(String id, String rule, String subject, String detail, String fix) {
        return new Finding(id, FindingStatus.FAIL, rule, subject, detail, fix);
    }

    /**
     * @param newStatus the status to use
     * @return this finding with another status
     */
    public Finding withStatus(FindingStatus newStatus) {
        return new Finding(id, newStatus, rule, subject, detail, fix);
    }

    /** @return {@code id} or {@code id:subject}, the key a silence matches */
    public String key() {
        return subject.isEmpty() ? id : id + ":" + subject;
    }
}
