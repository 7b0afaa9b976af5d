package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.spring.app.TestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Full contexts of an application with no hardening code (embedded Tomcat, Boot's default resource
 * server chain): the dev issuer's token endpoint in dev mode and its tokens accepted by the
 * starter's decoder; none of it in test mode; the plain-text probes following Boot's availability
 * state; the {@code listening on} line with the port really taken.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevIssuerAndProbesTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext start(String environment, String... more) {
        String[] base = {"server.port=0", "server.address=127.0.0.1", "hardening.environment=" + environment,
            "hardening.rate-limit.backend=memory", "hardening.dev-issuer.enabled=true",
            "hardening.dev-issuer.audience=orders-api", "hardening.probes.liveness-path=/livez",
            "hardening.probes.readiness-path=/readyz"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return new SpringApplicationBuilder(TestApplication.class).registerShutdownHook(false).properties(all).run();
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    private HttpResponse<String> send(String method, int port, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void devModeMintsTokensTheDecoderAcceptsForTheConfiguredAudience(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext ctx = start("dev")) {
            int port = port(ctx);
            assertThat(output.getOut()).contains("listening on http://127.0.0.1:" + port);
            HttpResponse<String> minted = send("POST", port, "/dev/token?sub=alice", null);
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
            assertThat(minted.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(minted.body()).contains("\"token_type\":\"Bearer\"", "\"expires_in\":3600");
            int start = minted.body().indexOf("\"access_token\":\"") + 16;
            String token = minted.body().substring(start, minted.body().indexOf('"', start));

            HttpResponse<String> me = send("GET", port, "/api/v1/me", "Bearer " + token);
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(me.body()).contains("\"sub\":\"alice\"", "\"aud\":[\"orders-api\"]");

            HttpResponse<String> get = send("GET", port, "/dev/token", null);
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
            assertThat(get.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(send("POST", port, "/dev/token?sub=" + "x".repeat(65), null).statusCode()).isEqualTo(400);
            assertThat(output.getAll()).doesNotContain(token);
        }
    }

    @Test
    void testAndProductionModesHaveNoDevIssuer() throws Exception {
        try (ConfigurableApplicationContext ctx = start("test")) {
            assertThat(ctx.getBeanProvider(DevIssuer.class).getIfAvailable()).isNull();
            assertThat(send("POST", port(ctx), "/dev/token", null).statusCode()).isNotEqualTo(200);
        }
    }

    @Test
    void probesAnswerFromBootsAvailabilityBeforeSpringSecurity() throws Exception {
        try (ConfigurableApplicationContext ctx = start("test")) {
            int port = port(ctx);
            HttpResponse<String> live = send("GET", port, "/livez", null);
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("ok");
            HttpResponse<String> ready = send("GET", port, "/readyz", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready");
            HttpResponse<String> post = send("POST", port, "/readyz", null);
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            AvailabilityChangeEvent.publish(ctx, ReadinessState.REFUSING_TRAFFIC);
            HttpResponse<String> refusing = send("GET", port, "/readyz", null);
            assertThat(refusing.statusCode()).isEqualTo(503);
            assertThat(refusing.body()).isEqualTo("not ready");
            assertThat(send("GET", port, "/livez", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void noProbePathsMeansNoProbes() throws Exception {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApplication.class)
                .registerShutdownHook(false).properties("server.port=0", "server.address=127.0.0.1",
                        "hardening.environment=test", "hardening.rate-limit.backend=memory").run()) {
            assertThat(send("GET", port(ctx), "/readyz", null).statusCode()).as("Boot's default chain").isEqualTo(401);
        }
    }
}
