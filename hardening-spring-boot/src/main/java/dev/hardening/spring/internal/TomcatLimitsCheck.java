package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;

/**
 * {@code HL-H001}, the line hardening-lifecycle's JDK server reports, for embedded Tomcat: the limits
 * its connectors really run with (read from the connector Boot built, after every customizer, when
 * the report is built — before the port opens): how long a connection may take to send a request
 * head and stay idle, the head size, connections and threads, {@code TCP_NODELAY}. FAIL in
 * production when a connector waits forever for a slow client (a connection timeout of zero or
 * less), WARN outside production. Thread-safe.
 */
public final class TomcatLimitsCheck implements TomcatConnectorCustomizer, StartupCheck {

    /** The id of the line, as hardening-lifecycle's {@code HardenedHttpServer} reports its limits. */
    public static final String ID = "HL-H001";

    private final List<Connector> connectors = new ArrayList<>();

    /** Sees each connector Boot builds. */
    public TomcatLimitsCheck() {
    }

    @Override
    public void customize(Connector connector) {
        synchronized (connectors) {
            connectors.add(connector);
        }
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        List<Connector> seen;
        synchronized (connectors) {
            seen = List.copyOf(connectors);
        }
        List<Finding> out = new ArrayList<>();
        for (Connector c : seen) {
            ProtocolHandler handler = c.getProtocolHandler();
            if (!(handler instanceof AbstractHttp11Protocol<?> http)) {
                continue;
            }
            // (not the keep-alive request count: Tomcat reports 1 until the socket is bound)
            String limits = "Tomcat: head deadline " + http.getConnectionTimeout() + " ms, keep-alive idle "
                    + http.getKeepAliveTimeout() + " ms, head <= "
                    + http.getMaxHttpRequestHeaderSize() + " B, " + http.getMaxConnections() + " connections, "
                    + http.getMaxThreads() + " threads" + (http.getTcpNoDelay() ? ", TCP_NODELAY" : "");
            String subject = "HTTP server";
            if (http.getConnectionTimeout() <= 0) {
                Finding f = Finding.fail(ID, "slow clients cannot hold the server", subject,
                        limits + ": a slow client holds a connection forever",
                        "set server.tomcat.connection-timeout to a few seconds");
                out.add(environment.isProduction() ? f : f.withStatus(dev.hardening.config.FindingStatus.WARN));
            } else {
                out.add(Finding.pass(ID, "slow clients cannot hold the server", subject, limits, ""));
            }
        }
        return out;
    }
}
