package dev.hardening.samples.service;

import dev.hardening.auth.GitHubWebhookVerifier;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.auth.jdkhttp.BearerAuthFilter;
import dev.hardening.auth.jdkhttp.WebhookFilter;
import dev.hardening.ratelimit.DedupStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service's handlers; filters (CORS, authentication, rate limits, signatures) run before them. */
final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** The longest {@code /api/v1/work} hold, in milliseconds. */
    static final int MAX_WORK_MS = 60_000;

    /** The longest accepted {@code X-GitHub-Delivery} id (GitHub sends a 36-character GUID). */
    static final int MAX_DELIVERY_ID_CHARS = GitHubWebhookVerifier.MAX_DELIVERY_ID_CHARS;

    private final DedupStore deliveries;
    private final Optional<DevIssuer> devIssuer;

    Routes(DedupStore deliveries, Optional<DevIssuer> devIssuer) {
        this.deliveries = deliveries;
        this.devIssuer = devIssuer;
    }

    void notFound(HttpExchange ex) throws IOException {
        try (ex) {
            Json.problem(ex, 404, "Not Found", "no such resource");
        }
    }

    void api(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestURI().getPath()) {
                case "/api/v1/me":
                    if (onlyGet(ex)) {
                        me(ex);
                    }
                    return;
                case "/api/v1/work":
                    if (onlyGet(ex)) {
                        work(ex);
                    }
                    return;
                default:
                    Json.problem(ex, 404, "Not Found", "no such resource");
            }
        }
    }

    private static void me(HttpExchange ex) throws IOException {
        VerifiedToken t = BearerAuthFilter.token(ex);
        List<String> aud = new ArrayList<>();
        for (String a : t.audiences()) {
            aud.add(Json.quote(a));
        }
        Json.json(ex, 200, "{\"sub\":" + Json.quote(t.subject()) + ",\"iss\":" + Json.quote(t.issuer())
                + ",\"aud\":[" + String.join(",", aud) + "],\"exp\":" + t.expiresAt().getEpochSecond() + "}");
    }

    private static void work(HttpExchange ex) throws IOException {
        String ms = query(ex, "ms").orElse("0");
        long hold;
        try {
            hold = Long.parseLong(ms);
        } catch (NumberFormatException e) {
            hold = -1;
        }
        if (hold < 0 || hold > MAX_WORK_MS) {
            Json.problem(ex, 400, "Bad Request", "ms must be a whole number from 0 to " + MAX_WORK_MS);
            return;
        }
        try {
            // The simulated work itself (this endpoint exists to test draining), not synchronisation.
            TimeUnit.MILLISECONDS.sleep(hold);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.getResponseHeaders().set("Connection", "close");
            Json.problem(ex, 503, "Service Unavailable", "shutting down; retry");
            return;
        }
        Json.json(ex, 200, "{\"worked_ms\":" + hold + "}");
    }

    void githubWebhook(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = WebhookFilter.body(ex);
            Optional<String> delivery = deliveryId(ex);
            if (delivery.isEmpty()) {
                LOG.warn("webhook delivery refused: X-GitHub-Delivery missing, blank, over {} characters or not visible ASCII",
                        MAX_DELIVERY_ID_CHARS);
                Json.problem(ex, 400, "Bad Request", "X-GitHub-Delivery: 1 to " + MAX_DELIVERY_ID_CHARS
                        + " visible ASCII characters required");
                return;
            }
            if (!deliveries.markIfFirst(delivery.get())) {
                Json.text(ex, 200, "duplicate");
                return;
            }
            try {
                process(body);
            } catch (RuntimeException e) {
                deliveries.forget(delivery.get());
                throw e;
            }
            Json.empty(ex, 204);
        }
    }

    /**
     * The delivery id when it is present, 1 to {@link #MAX_DELIVERY_ID_CHARS} visible ASCII
     * characters; anything else is refused before it reaches the dedup store.
     */
    static Optional<String> deliveryId(HttpExchange ex) {
        return GitHubWebhookVerifier.deliveryId(ex.getRequestHeaders().get(GitHubWebhookVerifier.DELIVERY_HEADER));
    }

    private static void process(byte[] body) {
        LOG.info("webhook delivery processed ({} bytes)", body.length);
    }

    void devToken(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                Json.problem(ex, 405, "Method Not Allowed", "use POST");
                return;
            }
            if (devIssuer.isEmpty()) {
                Json.problem(ex, 404, "Not Found", "no such resource");
                return;
            }
            String sub = query(ex, "sub").orElse("dev-user");
            String token;
            try {
                token = devIssuer.get().mint(sub, DevIssuer.DEFAULT_TTL);
            } catch (IllegalArgumentException e) {
                Json.problem(ex, 400, "Bad Request", "sub: 1-64 of letters, digits and . _ @ + -");
                return;
            }
            Json.json(ex, 200, "{\"access_token\":" + Json.quote(token) + ",\"token_type\":\"Bearer\",\"expires_in\":"
                    + DevIssuer.DEFAULT_TTL.toSeconds() + "}");
        }
    }

    private static boolean onlyGet(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        Json.problem(ex, 405, "Method Not Allowed", "use GET");
        return false;
    }

    static Optional<String> query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return Optional.empty();
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return Optional.of(java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
