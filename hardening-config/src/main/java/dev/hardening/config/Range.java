package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inclusive bounds for an {@code int} or {@code long} component (or each element of a list of them).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Range {
    /** @return the smallest accepted value */
    long min() default Long.MIN_VALUE;

    /** @return the largest accepted value */
    long max() default Long.MAX_VALUE;
}
