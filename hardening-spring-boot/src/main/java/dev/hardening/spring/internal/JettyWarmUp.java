package dev.hardening.spring.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one GET request through embedded Jetty before its port opens: an in-memory connector,
 * placed first among the server's connectors, handles it as soon as Boot has started it, that is
 * after the servlets and filters are initialized and before any network connector listens. The
 * request goes through Jetty's handlers, the servlet filters, Spring Security and the dispatcher,
 * so the classes of that path are loaded and linked before the first client request. While it runs
 * the {@link WarmUpGate} is open, so it is not counted. The in-memory connector is then removed from
 * the server, still before the network connectors start. Whatever the warm-up answers or throws, the start goes on; only a debug line
 * says what happened (never the token). Thread-safe.
 */
public final class JettyWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(JettyWarmUp.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final WarmUpGate gate;
    private final String path;
    private final Supplier<String> token;

    /**
     * @param gate  the context's gate, open while the request is handled
     * @param path  the path to ask for; one that is not an absolute path of printable ASCII is not sent
     * @param token a bearer token for the request, or null for none (called once, at the warm-up)
     */
    public JettyWarmUp(WarmUpGate gate, String path, Supplier<String> token) {
        this.gate = gate;
        this.path = path;
        this.token = token;
    }

    /**
     * Adds the in-memory connector in front of the server's connectors.
     *
     * @param server the server Boot is building, not started
     */
    public void install(Server server) {
        LocalConnector local = new LocalConnector(server);
        // once started (it takes requests only then), which is when Boot starts the connectors
        local.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                try {
                    warmUp(local);
                } finally {
                    remove(server, local); // before the network connectors start: nothing delays readiness
                }
            }
        });
        Connector[] current = server.getConnectors();
        Connector[] all = new Connector[current.length + 1];
        all[0] = local;
        System.arraycopy(current, 0, all, 1, current.length);
        server.setConnectors(all);
    }

    /** Takes the in-memory connector out of the server (stopping it) once the warm-up is over. */
    private static void remove(Server server, LocalConnector local) {
        try {
            server.removeConnector(local);
            if (!local.isStopped()) {
                local.stop();
            }
        } catch (Exception e) {
            LOG.debug("warm-up connector did not stop cleanly");
        }
    }

    static boolean usablePath(String path) {
        return path != null && path.startsWith("/") && path.length() <= 2048
                && path.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private void warmUp(LocalConnector local) {
        if (!usablePath(path)) {
            LOG.debug("warm-up skipped: hardening.warm-up.path is not an absolute path");
            return;
        }
        for (Connector c : local.getServer().getConnectors()) {
            if (c instanceof NetworkConnector n && n.isOpen()) {
                LOG.debug("warm-up skipped: a connector already listens");
                return;
            }
        }
        long started = System.nanoTime();
        gate.begin();
        try {
            String bearer = token == null ? null : token.get();
            StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
            if (bearer != null) {
                request.append("Authorization: Bearer ").append(bearer).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            String response = local.getResponse(request.toString(), TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String status = response == null || response.isEmpty() ? "no answer"
                    : response.lines().findFirst().orElse("");
            LOG.debug("warm-up GET {}: {} in {} ms", path, status, (System.nanoTime() - started) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            LOG.debug("warm-up GET {}: failed; the service starts anyway", path);
        } finally {
            gate.end();
        }
    }
}
