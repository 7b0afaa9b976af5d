package dev.hardening.ratelimit;

import com.sun.net.httpserver.HttpServer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.ratelimit.jdkhttp.RateLimitFilter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a service on the local limiter alone does: wire {@link RateLimiting} without a shared backend,
 * serve through the JDK filter, use a dedup store and produce the startup findings. Run by
 * {@link NoLettuceOnTheClassPathTest} inside a class loader that has no Lettuce, Netty or Reactor.
 */
public final class NoRedisScenario {

    private NoRedisScenario() {
    }

    /**
     * @return the statuses of three requests under {@code 2/1m}, the dedup answers and the finding ids
     * @throws Exception if the server or client fails
     */
    public static String run() throws Exception {
        List<String> out = new ArrayList<>();
        try (RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("2/1m")).build()) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api", exchange -> {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }).getFilters().add(RateLimitFilter.of(rl));
            server.start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/x");
                for (int i = 0; i < 3; i++) {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    out.add(Integer.toString(r.statusCode()));
                }
            } finally {
                server.stop(0);
            }
            DedupStore store = rl.dedupStore("github", DedupStore.DEFAULT_TTL);
            out.add(store.markIfFirst("d-1") + "/" + store.markIfFirst("d-1"));
            rl.startupCheck().findings(AppEnvironment.PRODUCTION).forEach(f -> out.add(f.id()));
        }
        return String.join(",", out);
    }
}
