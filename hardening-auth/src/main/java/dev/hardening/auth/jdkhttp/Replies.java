package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.internal.BearerChallenge;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes a {@link BearerChallenge.Reply} to an exchange. */
final class Replies {

    private Replies() {
    }

    static void send(HttpExchange exchange, BearerChallenge.Reply reply) throws IOException {
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            exchange.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
