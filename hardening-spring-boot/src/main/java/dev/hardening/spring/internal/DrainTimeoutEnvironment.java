package dev.hardening.spring.internal;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code hardening.lifecycle.drain-timeout} Boot's drain bound: when it is set and
 * {@code spring.lifecycle.timeout-per-shutdown-phase} is not, the latter takes its value (as the
 * lowest-precedence property source, so anything the application sets wins). Boot's graceful
 * web-server stop then gives in-flight requests exactly that long. Stateless and thread-safe.
 */
public final class DrainTimeoutEnvironment implements EnvironmentPostProcessor {

    /** The Spring property set. */
    public static final String SPRING_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";
    /** The starter property read. */
    public static final String DRAIN_PROPERTY = "hardening.lifecycle.drain-timeout";

    /** Created by Spring Boot. */
    public DrainTimeoutEnvironment() {
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String drain = environment.getProperty(DRAIN_PROPERTY);
        if (drain == null || drain.isBlank() || environment.containsProperty(SPRING_PROPERTY)) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource("hardeningDrainTimeout",
                Map.of(SPRING_PROPERTY, drain.strip())));
    }
}
