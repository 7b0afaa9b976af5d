package dev.hardening.spring.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Logs {@code listening on http://HOST:PORT} (logger {@code dev.hardening.spring.Listening}) once
 * the application accepts traffic (Boot's readiness {@code ACCEPTING_TRAFFIC}, after liveness is
 * {@code CORRECT}), with the port the web server really took ({@code server.port=0}) and the address
 * of {@code server.address} ({@code 0.0.0.0} when unset: Spring binds every interface). Not on the
 * web server's start: between that and readiness {@code /livez} and {@code /readyz} still answer 503
 * (a client that went by the line saw it). Only for the application's main server, not a separate
 * management server; once. Thread-safe.
 */
public final class ListeningAnnouncer implements ApplicationListener<ApplicationEvent> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.hardening.spring.Listening");

    private final Environment environment;
    private volatile int port = -1;
    private final AtomicBoolean announced = new AtomicBoolean();

    /** @param environment Spring's environment (for {@code server.address}) */
    public ListeningAnnouncer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof WebServerInitializedEvent initialized) {
            String namespace = initialized.getApplicationContext().getServerNamespace();
            if (namespace == null || namespace.isEmpty()) { // not the management server's own context
                port = initialized.getWebServer().getPort();
            }
        } else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() == ReadinessState.ACCEPTING_TRAFFIC
                && port >= 0 && announced.compareAndSet(false, true)) {
            String host = environment.getProperty("server.address", "0.0.0.0");
            if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            LOG.info("listening on http://{}:{}", host, port);
        }
    }
}
