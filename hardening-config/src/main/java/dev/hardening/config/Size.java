package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds on the length of a {@code String} component or the number of items of a {@code List}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Size {
    /** @return the smallest accepted size */
    int min() default 0;

    /** @return the largest accepted size */
    int max() default Integer.MAX_VALUE;
}
