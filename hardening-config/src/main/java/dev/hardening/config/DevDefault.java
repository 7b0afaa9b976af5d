package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A default that applies only in {@code dev} and {@code test}; in production the component keeps
 * its {@link DefaultValue} or, without one, is required. Use it for settings whose safe production
 * value is inconvenient during development (a shutdown delay, say).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface DevDefault {
    /** @return the development default, as text */
    String value();
}
