package dev.hardening.auth.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.hardening.auth.ProviderConnection;

/**
 * GETs small JSON documents with a connect timeout, a deadline for the whole response (slow
 * bodies included), a size cap and no redirects. Thread-safe.
 */
final class HttpFetcher {

    /** A successful response. */
    record Response(String body, Optional<String> cacheControl) {
    }

    private final HttpClient client;
    private final Duration deadline;
    private final int maxBytes;

    /**
     * @param connectTimeout TCP connect timeout
     * @param deadline       deadline for the whole response
     * @param maxBytes       body size cap
     */
    HttpFetcher(Duration connectTimeout, Duration deadline, int maxBytes) {
        this(client(ProviderConnection.defaults(), connectTimeout), deadline, maxBytes);
    }

    /**
     * @param client   the client requests go through
     * @param deadline deadline for the whole response
     * @param maxBytes body size cap
     */
    HttpFetcher(HttpClient client, Duration deadline, int maxBytes) {
        this.client = client;
        this.deadline = deadline;
        this.maxBytes = maxBytes;
    }

    /**
     * @param connection     the user's connection settings
     * @param connectTimeout TCP connect timeout (unless the user gave a whole client)
     * @return the user's client, or a new one with the TLS context and proxy, no redirects
     */
    static HttpClient client(ProviderConnection connection, Duration connectTimeout) {
        if (connection.httpClient().isPresent()) {
            return connection.httpClient().get();
        }
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        connection.sslContext().ifPresent(b::sslContext);
        connection.proxy().ifPresent(b::proxy);
        return b.build();
    }

    /**
     * @param uri the URL
     * @return the body (UTF-8) and the Cache-Control header
     * @throws FetchException on timeout, I/O error, non-200 status or an oversized body
     */
    Response get(URI uri) throws FetchException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(deadline)
                .header("Accept", "application/json, application/jwk-set+json")
                .build();
        return send(uri, request);
    }

    /**
     * POSTs a form.
     *
     * @param uri           the URL
     * @param form          the {@code application/x-www-form-urlencoded} body
     * @param authorization the {@code Authorization} header value (never logged or put in a message)
     * @return the body (UTF-8)
     * @throws FetchException on timeout, I/O error, non-200 status or an oversized body
     */
    Response postForm(URI uri, String form, String authorization) throws FetchException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .timeout(deadline)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json, application/token-introspection+jwt;q=0.1")
                .header("Authorization", authorization)
                .build();
        return send(uri, request);
    }

    private Response send(URI uri, HttpRequest request) throws FetchException {
        AtomicBoolean tooLarge = new AtomicBoolean();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
            return new Capped(declared > maxBytes ? 0 : maxBytes, tooLarge);
        });
        HttpResponse<byte[]> response;
        try {
            response = future.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new FetchException("timeout", true, "no complete response from " + uri + " within " + deadline, null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted", false, "interrupted while fetching " + uri, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (tooLarge.get() || causedByTooLarge(c)) {
                throw new FetchException("too_large", false, "response from " + uri + " exceeds " + maxBytes + " bytes", null);
            }
            if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException) {
                throw new FetchException("connect", true, "cannot connect to " + uri, c);
            }
            if (c instanceof HttpTimeoutException) {
                throw new FetchException("timeout", true, "no complete response from " + uri + " within " + deadline, c);
            }
            if (c instanceof IOException) {
                throw new FetchException("io", true, "I/O error fetching " + uri, c);
            }
            throw new FetchException("io", true, "error fetching " + uri, c);
        }
        int status = response.statusCode();
        if (status != 200) {
            boolean retryable = status >= 500 || status == 429 || status == 408;
            throw new FetchException("http_" + status, retryable, uri + " answered " + status, null);
        }
        return new Response(new String(response.body(), StandardCharsets.UTF_8),
                response.headers().firstValue("cache-control"));
    }

    private static boolean causedByTooLarge(Throwable t) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("response too large", null);
        }
    }

    /** Collects at most {@code cap} bytes, then cancels the body and fails. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final int cap;
        private final AtomicBoolean tooLarge;
        private Flow.Subscription subscription;

        Capped(int cap, AtomicBoolean tooLarge) {
            this.cap = cap;
            this.tooLarge = tooLarge;
        }

        private void overflow() {
            tooLarge.set(true);
            subscription.cancel();
            result.completeExceptionally(new TooLarge());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            if (cap == 0) {
                overflow();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + b.remaining() > cap) {
                    overflow();
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
