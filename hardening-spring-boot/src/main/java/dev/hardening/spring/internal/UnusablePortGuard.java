package dev.hardening.spring.internal;

import java.util.function.BooleanSupplier;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Lets the web server be created when {@code server.port} is a number outside 0..65535, so that the
 * startup report refuses the start with every problem listed ({@code PORT=70000} is the deploy
 * check's {@code HC-E003} line, a FAIL that no silence accepts) instead of embedded Jetty failing
 * first with an exception: Jetty builds its socket address when the server is created, before the
 * report runs. The factory then gets port 0; nothing listens, because the report refuses the start
 * before the web server starts. Does nothing when the port is usable or not a number (the binder's
 * problem), or when no deploy check reports the port. Runs after Boot's own customizers. Thread-safe.
 */
public final class UnusablePortGuard implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

    private final Environment environment;
    private final BooleanSupplier reported;

    /**
     * @param environment Spring's environment ({@code server.port})
     * @param reported    whether the deploy check that reports an unusable port is present
     */
    public UnusablePortGuard(Environment environment, BooleanSupplier reported) {
        this.environment = environment;
        this.reported = reported;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        if (outOfRange(environment.getProperty("server.port")) && reported.getAsBoolean()) {
            factory.setPort(0);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /**
     * @param value the property's value, or null
     * @return whether it is a whole number outside 0..65535
     */
    static boolean outOfRange(String value) {
        if (value == null) {
            return false;
        }
        try {
            long port = Long.parseLong(value.strip());
            return port < 0 || port > 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
