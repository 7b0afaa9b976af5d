package dev.hardening.spring.internal;

import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.auth.WebhookRejectedException;
import dev.hardening.auth.WebhookRejection;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.ratelimit.DedupStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Verifies a GitHub-style webhook before the application's handler sees it, on exact paths and
 * POST only: reads the raw body up to {@link #MAX_BODY_BYTES} (413 beyond), checks
 * {@code X-Hub-Signature-256} (401 bad or missing, 503 while no secret is configured), requires an
 * {@code X-GitHub-Delivery} id of 1 to {@link #MAX_DELIVERY_ID_CHARS} visible ASCII characters
 * (400) and, with a dedup store, answers a repeated id with 200 {@code duplicate} instead of calling
 * the handler twice (an id whose handler fails is forgotten, so the retry is processed). The handler
 * reads the same bytes from the request. Every refusal is an RFC 9457 problem document. Thread-safe.
 */
public final class GitHubWebhookFilter extends OncePerRequestFilter {

    /** Largest accepted body: 1 MiB. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Longest accepted delivery id (GitHub sends a 36-character GUID). */
    public static final int MAX_DELIVERY_ID_CHARS = GitHubWebhookVerifier.MAX_DELIVERY_ID_CHARS;

    private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhookFilter.class);

    private final Set<String> paths;
    private final WebhookVerifier verifier;
    private final Optional<DedupStore> deliveries;

    /**
     * @param paths      exact request paths (without the context path)
     * @param verifier   the signature verifier
     * @param deliveries where delivery ids are remembered; empty for no deduplication
     */
    public GitHubWebhookFilter(List<String> paths, WebhookVerifier verifier, Optional<DedupStore> deliveries) {
        this.paths = Set.copyOf(paths);
        this.verifier = verifier;
        this.deliveries = deliveries;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty() && uri.startsWith(context)) {
            uri = uri.substring(context.length());
        }
        return !"POST".equals(request.getMethod()) || !paths.contains(uri);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body;
        try {
            if (request.getContentLengthLong() > MAX_BODY_BYTES) {
                throw new WebhookRejectedException(WebhookRejection.BODY_TOO_LARGE, "body too large");
            }
            body = read(request.getInputStream());
            verifier.verify(body, name -> Optional.ofNullable(request.getHeader(name)));
        } catch (WebhookRejectedException e) {
            reject(response, e);
            return;
        }
        Optional<String> delivery = deliveryId(request);
        if (delivery.isEmpty()) {
            LOG.warn("webhook delivery refused: X-GitHub-Delivery missing, blank, over {} characters or not visible ASCII",
                    MAX_DELIVERY_ID_CHARS);
            response.setStatus(400);
            Problems.write(response, Problems.json(400, "Bad Request", "bad_delivery_id",
                    "X-GitHub-Delivery: 1 to " + MAX_DELIVERY_ID_CHARS + " visible ASCII characters required"));
            return;
        }
        if (deliveries.isPresent() && !deliveries.get().markIfFirst(delivery.get())) {
            byte[] dup = "duplicate".getBytes(StandardCharsets.US_ASCII);
            response.setStatus(200);
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(dup.length);
            response.getOutputStream().write(dup);
            return;
        }
        try {
            chain.doFilter(new BodyRequest(request, body), response);
        } catch (ServletException | IOException | RuntimeException e) {
            deliveries.ifPresent(d -> d.forget(delivery.get()));
            throw e;
        }
        if (response.getStatus() >= 500) {
            deliveries.ifPresent(d -> d.forget(delivery.get()));
        }
    }

    private static void reject(HttpServletResponse response, WebhookRejectedException e) throws IOException {
        int s = e.status();
        response.setStatus(s);
        if (s == 503) {
            response.setHeader("Retry-After", "60");
        }
        String title = s == 503 ? "Service Unavailable" : s == 413 ? "Content Too Large" : "Unauthorized";
        Problems.write(response, Problems.json(s, title, e.reason().code(),
                s == 503 ? "webhook verification is not configured" : "the delivery is not accepted"));
    }

    static Optional<String> deliveryId(HttpServletRequest request) {
        return GitHubWebhookVerifier.deliveryId(Collections.list(request.getHeaders(GitHubWebhookVerifier.DELIVERY_HEADER)));
    }

    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            if (out.size() + n > MAX_BODY_BYTES) {
                throw new WebhookRejectedException(WebhookRejection.BODY_TOO_LARGE, "body too large");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** The request with its body already read and verified. */
    private static final class BodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the verified body is already in memory");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
