package dev.hardening.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exact name of the variable a record component binds to, used verbatim (no prefix added).
 * Without it the name is derived: the prefix, then the component name in upper snake case
 * ({@code bindAddress} becomes {@code BIND_ADDRESS}), nested records adding their own name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Env {
    /** @return the variable name, such as {@code DATABASE_URL}; letters, digits and underscores */
    String value();
}
