package dev.hardening.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up on a plain Jetty server started as Boot's {@code JettyWebServer} starts it (the server
 * without connectors first, then the connectors one by one, in order): one request, with the token, while the gate is open and before the port listens; the
 * in-memory connector is gone before the port opens.
 */
class JettyWarmUpTest {

    private Server server;

    /** What the handler saw of one request. */
    record Seen(String line, String authorization, boolean gateOpen, boolean portOpen) {
    }

    /** Boot's order: the server (handlers, servlets) without connectors, then each connector. */
    private void bootStart() throws Exception {
        Connector[] connectors = server.getConnectors();
        server.setConnectors(null);
        server.start();
        server.setConnectors(connectors);
        for (Connector c : connectors) {
            c.start();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private ServerConnector serve(WarmUpGate gate, List<Seen> seen) {
        server = new Server();
        ServerConnector network = new ServerConnector(server, 1, 1);
        network.setHost("127.0.0.1");
        network.setPort(0);
        server.addConnector(network);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                seen.add(new Seen(request.getMethod() + " " + request.getHttpURI().getPathQuery(),
                        request.getHeaders().get("Authorization"), gate.warming(), network.isOpen()));
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        return network;
    }

    @Test
    void oneRequestWithTheTokenBeforeThePortOpensWhileTheGateIsOpen() throws Exception {
        WarmUpGate gate = new WarmUpGate();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        ServerConnector network = serve(gate, seen);
        JettyWarmUp warmUp = new JettyWarmUp(gate, "/api/v1/me", () -> "tkn");
        warmUp.install(server);
        bootStart();

        assertThat(seen).containsExactly(new Seen("GET /api/v1/me", "Bearer tkn", true, false));
        assertThat(gate.warming()).isFalse();

        assertThat(server.getConnectors()).as("the in-memory connector is removed").containsExactly(network);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", network.getLocalPort()), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isEqualTo(new Seen("GET /x", null, false, true));
    }

    @Test
    void withoutATokenTheRequestCarriesNoAuthorization() throws Exception {
        WarmUpGate gate = new WarmUpGate();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        serve(gate, seen);
        new JettyWarmUp(gate, "/", () -> null).install(server);
        bootStart();
        assertThat(seen).containsExactly(new Seen("GET /", null, true, false));
    }

    @Test
    void anUnusablePathSendsNothingAndTheServerStarts() throws Exception {
        WarmUpGate gate = new WarmUpGate();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        ServerConnector network = serve(gate, seen);
        new JettyWarmUp(gate, "no slash\r\nX: y", () -> "tkn").install(server);
        bootStart();
        assertThat(seen).isEmpty();
        assertThat(network.isOpen()).isTrue();
        assertThat(JettyWarmUp.usablePath("/api/v1/me?x=1")).isTrue();
        assertThat(JettyWarmUp.usablePath("api")).isFalse();
        assertThat(JettyWarmUp.usablePath("/a b")).isFalse();
    }

    @Test
    void aFailingTokenSupplierDoesNotStopTheStart() throws Exception {
        WarmUpGate gate = new WarmUpGate();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        ServerConnector network = serve(gate, seen);
        new JettyWarmUp(gate, "/", () -> {
            throw new IllegalStateException("no key");
        }).install(server);
        bootStart();
        assertThat(seen).isEmpty();
        assertThat(gate.warming()).isFalse();
        assertThat(network.isOpen()).isTrue();
        for (Connector c : server.getConnectors()) {
            assertThat(c.isStarted()).isTrue();
        }
        assertThat(server.getConnectors()).containsExactly(network);
    }
}
