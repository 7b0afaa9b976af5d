package dev.hardening.lifecycle.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.hardening.lifecycle.Health;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code /livez} and {@code /readyz} for the JDK {@link com.sun.net.httpserver.HttpServer}. They
 * answer only alive/ready: 200 {@code ok} / {@code ready}, or 503 {@code not alive} /
 * {@code not ready}, as {@code text/plain} with {@code Cache-Control: no-store}; never a check
 * name, a version or a stack trace. Methods other than GET and HEAD get 405 with {@code Allow} and an
 * RFC 9457 problem document. Thread-safe.
 *
 * <pre>{@code
 * server.createContext("/livez", HealthHandlers.livez(health));
 * server.createContext("/readyz", HealthHandlers.readyz(health));
 * }</pre>
 */
public final class HealthHandlers {

    private static final byte[] METHOD_NOT_ALLOWED = ("{\"type\":\"about:blank\",\"title\":\"Method Not Allowed\","
            + "\"status\":405,\"detail\":\"use GET or HEAD\"}").getBytes(StandardCharsets.UTF_8);

    private HealthHandlers() {
    }

    /**
     * @param health the process health
     * @return a handler answering 200 while alive, 503 once broken
     */
    public static HttpHandler livez(Health health) {
        Objects.requireNonNull(health, "health");
        return exchange -> answer(exchange, health.isAlive(), "ok", "not alive");
    }

    /**
     * @param health the process health
     * @return a handler answering 200 while ready, 503 otherwise (from the first moment of shutdown)
     */
    public static HttpHandler readyz(Health health) {
        Objects.requireNonNull(health, "health");
        return exchange -> answer(exchange, health.isReady(), "ready", "not ready");
    }

    private static void answer(HttpExchange exchange, boolean ok, String yes, String no) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (!head && !"GET".equals(method)) {
                byte[] problem = METHOD_NOT_ALLOWED;
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(405, problem.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(problem);
                }
                return;
            }
            byte[] body = (ok ? yes : no).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(ok ? 200 : 503, head ? -1 : body.length);
            if (!head) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
        }
    }
}
