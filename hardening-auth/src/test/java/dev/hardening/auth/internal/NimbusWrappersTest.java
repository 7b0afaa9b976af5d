package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Why the JWKS stack keeps its own layers instead of Nimbus' {@code JWKSetSource} wrappers (which
 * are on the classpath): each test pins the Nimbus behaviour that contradicts one of our
 * requirements, named next to the layer that replaces it. If a Nimbus upgrade makes one of these
 * fail, the matching wrapper may have become reusable.
 */
class NimbusWrappersTest {

    private static final JWKSetCacheRefreshEvaluator NO_REFRESH = JWKSetCacheRefreshEvaluator.noRefresh();

    /** A Nimbus source that counts calls and fails or answers as told. */
    private static final class CountingSource implements JWKSetSource<SecurityContext> {
        final AtomicInteger calls = new AtomicInteger();
        final KeySourceException failure;

        CountingSource(KeySourceException failure) {
            this.failure = failure;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator e, long currentTime, SecurityContext c) throws KeySourceException {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return new JWKSet();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void retryingSourceRetriesOnceWithoutBackoffEvenOnClientErrors() {
        // Ours (RetryingJwksSource): no retry for a 404; up to maxAttempts (default 3) with backoff for a 5xx.
        CountingSource notFound = new CountingSource(new JWKSetUnavailableException("404 Not Found"));
        RetryingJWKSetSource<SecurityContext> retrying = new RetryingJWKSetSource<>(notFound, e -> { });
        assertThatThrownBy(() -> retrying.getJWKSet(NO_REFRESH, 0, null)).isInstanceOf(JWKSetUnavailableException.class);
        assertThat(notFound.calls).hasValue(2);
    }

    @Test
    void rateLimitedSourceAllowsExactlyTwoPerInterval() throws Exception {
        // Ours (RateLimitedRefresh): refreshesPerWindow is configurable from 1 to 10.
        CountingSource ok = new CountingSource(null);
        RateLimitedJWKSetSource<SecurityContext> limited = new RateLimitedJWKSetSource<>(ok, 30_000, e -> { });
        limited.getJWKSet(NO_REFRESH, 1_000, null);
        limited.getJWKSet(NO_REFRESH, 1_001, null);
        assertThatThrownBy(() -> limited.getJWKSet(NO_REFRESH, 1_002, null)).isInstanceOf(RateLimitReachedException.class);
        assertThat(ok.calls).hasValue(2);
    }

    @Test
    void cachingSourceIgnoresShorterLifetimes() throws Exception {
        // Ours (CachedKeys + HttpJwksSource): Cache-Control max-age=60 makes the next fetch due after 60 s.
        CountingSource ok = new CountingSource(null);
        CachingJWKSetSource<SecurityContext> cached = new CachingJWKSetSource<>(ok,
                Duration.ofMinutes(15).toMillis(), Duration.ofSeconds(15).toMillis(), e -> { });
        cached.getJWKSet(NO_REFRESH, 1_000, null);
        cached.getJWKSet(NO_REFRESH, 1_000 + Duration.ofSeconds(61).toMillis(), null);
        assertThat(ok.calls).hasValue(1);
    }

    @Test
    void urlBasedSourceFollowsRedirects() throws Exception {
        String keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString(true);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/old", ex -> {
            ex.getResponseHeaders().add("Location", "/keys");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/keys", ex -> {
            byte[] body = keys.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI old = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/old");
            URLBasedJWKSetSource<SecurityContext> nimbus = new URLBasedJWKSetSource<>(old.toURL(),
                    new DefaultResourceRetriever(2000, 2000, 51_200));
            assertThat(nimbus.getJWKSet(NO_REFRESH, 0, null).getKeyByKeyId("k1")).isNotNull();

            // Ours (HttpJwksSource over HttpFetcher): a redirect is a failure, never followed.
            HttpFetcher ours = new HttpFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 51_200);
            assertThatThrownBy(() -> ours.get(old)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).kind()).isEqualTo("http_302"));
        } finally {
            server.stop(0);
        }
    }
}
