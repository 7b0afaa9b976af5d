package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.hardening.auth.WebhookRejectedException;
import dev.hardening.auth.WebhookRejection;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.auth.internal.BearerChallenge;
import dev.hardening.auth.internal.RequestScopedExchange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a webhook signature over the raw body before the handler runs:
 *
 * <pre>{@code
 * server.createContext("/webhooks/github", handler).getFilters()
 *       .add(WebhookFilter.of(GitHubWebhookVerifier.of("WEBHOOK_SECRET", config::webhookSecret)));
 * // in the handler: byte[] body = WebhookFilter.body(exchange);  (also readable from getRequestBody())
 * }</pre>
 *
 * <p>Reads at most {@link #DEFAULT_MAX_BODY_BYTES} (413 beyond); unset secret → 503; bad or
 * missing signature → 401. Thread-safe.
 */
public final class WebhookFilter extends Filter {

    /** 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** The exchange attribute holding the verified raw body. */
    public static final String BODY_ATTRIBUTE = WebhookFilter.class.getName() + ".body";

    private final WebhookVerifier verifier;
    private final int maxBodyBytes;

    private WebhookFilter(WebhookVerifier verifier, int maxBodyBytes) {
        this.verifier = verifier;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * @param verifier the signature verifier
     * @return a filter with the default body cap
     */
    public static WebhookFilter of(WebhookVerifier verifier) {
        return of(verifier, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param verifier     the signature verifier
     * @param maxBodyBytes body cap, 1 byte to 32 MiB
     * @return the filter
     */
    public static WebhookFilter of(WebhookVerifier verifier, int maxBodyBytes) {
        if (maxBodyBytes < 1 || maxBodyBytes > 32 * 1024 * 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: 1 to 33554432)");
        }
        return new WebhookFilter(Objects.requireNonNull(verifier, "verifier"), maxBodyBytes);
    }

    /**
     * @param exchange an exchange that passed this filter
     * @return the verified raw body
     */
    public static byte[] body(HttpExchange exchange) {
        Object b = exchange.getAttribute(BODY_ATTRIBUTE);
        if (!(b instanceof byte[])) {
            throw new IllegalStateException("no verified body: WebhookFilter is not installed on this context");
        }
        return ((byte[]) b).clone();
    }

    @Override
    public void doFilter(HttpExchange received, Chain chain) throws IOException {
        HttpExchange exchange = RequestScopedExchange.of(received);
        byte[] body;
        try {
            body = read(exchange.getRequestBody(), maxBodyBytes);
            verifier.verify(body, name -> Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)));
        } catch (WebhookRejectedException e) {
            Replies.send(exchange, BearerChallenge.reply(e));
            return;
        }
        exchange.setAttribute(BODY_ATTRIBUTE, body);
        exchange.setStreams(new ByteArrayInputStream(body), exchange.getResponseBody());
        chain.doFilter(exchange);
    }

    private static byte[] read(InputStream in, int cap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            if (out.size() + n > cap) {
                throw new WebhookRejectedException(WebhookRejection.BODY_TOO_LARGE, "body exceeds " + cap + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public String description() {
        return "Webhook signature verification";
    }
}
