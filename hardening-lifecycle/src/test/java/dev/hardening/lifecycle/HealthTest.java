package dev.hardening.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.hardening.lifecycle.jdkhttp.HealthHandlers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void readinessFollowsStartChecksAndShutdown() {
        Health h = Health.create();
        AtomicBoolean redis = new AtomicBoolean(true);
        h.addReadinessCheck("redis", redis::get);
        assertThat(h.isReady()).isFalse();
        h.markStarted();
        assertThat(h.isReady()).isTrue();
        redis.set(false);
        assertThat(h.isReady()).isFalse();
        redis.set(true);
        h.addReadinessCheck("boom", () -> {
            throw new IllegalStateException("x");
        });
        assertThat(h.isReady()).isFalse();
    }

    @Test
    void endpointsSayOnlyAliveOrReady() throws Exception {
        Health h = Health.create();
        h.addReadinessCheck("jwks-keys-cached", () -> false);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/livez", HealthHandlers.livez(h));
        server.createContext("/readyz", HealthHandlers.readyz(h));
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("ok");
            h.markStarted();
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("not ready").doesNotContain("jwks");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            h.markBroken("supervisor escalated");
            HttpResponse<String> dead = client.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(dead.body()).isEqualTo("not alive");
        } finally {
            server.stop(0);
        }
    }
}
