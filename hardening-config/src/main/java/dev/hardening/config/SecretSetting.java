package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a {@link Secret} component is checked and obtained. Without this annotation a secret is
 * checked as a {@link SecretPurpose#TOKEN} and never generated.
 *
 * <p>Every secret may also be given as {@code NAME_FILE} (a path whose content is the value) and
 * may carry previous values for rotation in {@code NAME_PREVIOUS} (comma-separated) or
 * {@code NAME_PREVIOUS_FILE} (one value per line).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface SecretSetting {
    /** @return what the secret is used for, which decides the minimum length */
    SecretPurpose purpose() default SecretPurpose.TOKEN;

    /**
     * @return whether dev and test may generate the value when it is not set; the generated value
     *     is stored owner-only and reused on the next start. Production never generates.
     */
    boolean generateInDev() default false;
}
