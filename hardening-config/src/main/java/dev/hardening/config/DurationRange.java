package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inclusive bounds for a {@link java.time.Duration} component, written like the values
 * ({@code 500ms}, {@code 30s}, {@code PT1H}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface DurationRange {
    /** @return the smallest accepted duration; empty for none */
    String min() default "";

    /** @return the largest accepted duration; empty for none */
    String max() default "";
}
