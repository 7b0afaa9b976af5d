package dev.hardening.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Filter;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.HardeningConfig;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.jdkhttp.HardenedHttpServer;
import dev.hardening.lifecycle.jdkhttp.HttpServerDrain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pins the documented filter order of every route (ARCHITECTURE.md, Wiring's Javadoc). */
class WiringTest {

    private Components components;
    private Filter tracking;

    @BeforeEach
    void build() {
        // production settings (no dev issuer, no files written); nothing is fetched or connected at build time
        BoundConfig<ServiceSettings> config = HardeningConfig.builder().environment(Map.of(
                "SECRET_KEY", "q8T1vX3mZ0pL7sR4wN9bC2eH6jK5yF0a",
                "OIDC_ISSUER", "https://idp.example.com",
                "OIDC_AUDIENCE", "api",
                "WEBHOOK_SECRET", "9f2c4e6a8b0d1f3e5a7c9b2d4f6e8a0c1b3d5f7e",
                "RATE_LIMIT_BACKEND", "memory")).build().bind(ServiceSettings.class);
        components = Components.build(config);
        HardenedHttpServer server = HardenedHttpServer.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        tracking = HttpServerDrain.builder(server).build().filter();
    }

    @AfterEach
    void close() {
        components.close();
        components.close(); // closed once: the second call does nothing
    }

    private Map<String, List<String>> filtersByRoute() {
        return Wiring.routes(components, Health.create(), tracking).stream().collect(Collectors.toMap(
                Wiring.Route::path, r -> r.filters().stream().map(Filter::description).collect(Collectors.toList())));
    }

    @Test
    void apiRoutesRunTrackingCorsIdentifyRateLimitThenRequireAToken() {
        List<String> api = filtersByRoute().get("/api/");
        assertThat(api).hasSize(5);
        assertThat(api.get(0)).isEqualTo(tracking.description());
        assertThat(api.get(1)).isEqualTo("CORS");
        assertThat(api.get(2)).isEqualTo("identifies the bearer-token caller, rejects nobody");
        assertThat(api.get(3)).containsIgnoringCase("rate limit");
        assertThat(api.get(4)).isEqualTo("Bearer token verification");
    }

    @Test
    void everyRouteIsTrackedFirstAndTheWebhookChecksTheMethodBeforeTheSignature() {
        Map<String, List<String>> routes = filtersByRoute();
        assertThat(routes.keySet()).containsExactlyInAnyOrder("/", "/livez", "/readyz", "/metrics", "/api/", "/webhooks/github");
        routes.values().forEach(filters -> assertThat(filters.get(0)).isEqualTo(tracking.description()));
        assertThat(routes.get("/webhooks/github"))
                .containsExactly(tracking.description(), "POST only", "Webhook signature verification");
        assertThat(routes.get("/livez")).containsExactly(tracking.description());
    }
}
