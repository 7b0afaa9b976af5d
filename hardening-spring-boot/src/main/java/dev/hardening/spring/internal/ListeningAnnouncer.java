package dev.hardening.spring.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Logs {@code listening on http://HOST:PORT} (logger {@code dev.hardening.spring.Listening}) once
 * the web server has started, with the port it really took ({@code server.port=0}) and the address
 * of {@code server.address} ({@code 0.0.0.0} when unset: Spring binds every interface). Only for
 * the application's main server, not a separate management server. Thread-safe.
 */
public final class ListeningAnnouncer implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.hardening.spring.Listening");

    private final Environment environment;

    /** @param environment Spring's environment (for {@code server.address}) */
    public ListeningAnnouncer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        String namespace = event.getApplicationContext().getServerNamespace();
        if (namespace != null && !namespace.isEmpty()) {
            return; // the management server's own context
        }
        String host = environment.getProperty("server.address", "0.0.0.0");
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        LOG.info("listening on http://{}:{}", host, event.getWebServer().getPort());
    }
}
