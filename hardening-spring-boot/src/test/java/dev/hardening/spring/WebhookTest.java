package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.spring.app.TestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The full context of an application with a plain {@code @PostMapping("/webhooks/github")} and
 * Boot's default security chain (every request authenticated): the starter verifies the signature
 * before the handler, lets the path past Spring Security, deduplicates deliveries and follows a
 * rotated {@code WEBHOOK_SECRET_FILE} without a restart.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookTest {

    static final Path SECRET_FILE;
    static final String FIRST = randomHex(20);

    static {
        try {
            SECRET_FILE = Files.createTempFile("webhook-secret", ".txt");
            Files.writeString(SECRET_FILE, FIRST);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("hardening.environment", () -> "test");
        r.add("server.address", () -> "127.0.0.1");
        r.add("hardening.rate-limit.backend", () -> "memory");
        r.add("hardening.webhooks.github.paths", () -> "/webhooks/github");
        r.add("WEBHOOK_SECRET_FILE", SECRET_FILE::toString);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void verifiesDeduplicatesAndRefusesWithProblemDocuments() throws Exception {
        String body = "{\"zen\":\"Keep it logically awesome.\"}";
        TestApplication.HookController.RECEIVED.clear();
        assertThat(post(body, "X-Hub-Signature-256", sign(FIRST, body), "X-GitHub-Delivery", "d-1").statusCode())
                .as("past Spring Security's default chain, without a bearer token").isEqualTo(204);
        assertThat(TestApplication.HookController.RECEIVED).containsExactly(body);

        HttpResponse<String> again = post(body, "X-Hub-Signature-256", sign(FIRST, body), "X-GitHub-Delivery", "d-1");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("duplicate");
        assertThat(TestApplication.HookController.RECEIVED).as("not processed twice").hasSize(1);

        HttpResponse<String> forged = post(body, "X-Hub-Signature-256", sign(FIRST, body + " "), "X-GitHub-Delivery", "d-2");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(forged.body()).contains("\"code\":\"bad_signature\"").doesNotContain(FIRST);
        assertThat(post(body, "X-GitHub-Delivery", "d-3").statusCode()).isEqualTo(401);
        assertThat(post(body, "X-Hub-Signature-256", sign(FIRST, body), "X-GitHub-Delivery", "d-2").statusCode())
                .as("a refused delivery is not remembered").isEqualTo(204);

        assertThat(post(body, "X-Hub-Signature-256", sign(FIRST, body)).statusCode()).as("no delivery id").isEqualTo(400);
        assertThat(post(body, "X-Hub-Signature-256", sign(FIRST, body), "X-GitHub-Delivery", "d".repeat(129)).statusCode())
                .isEqualTo(400);
        String big = "x".repeat(1024 * 1024 + 1);
        HttpResponse<String> tooBig = post(big, "X-Hub-Signature-256", sign(FIRST, big), "X-GitHub-Delivery", "d-4");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("\"code\":\"body_too_large\"");
        assertThat(TestApplication.HookController.RECEIVED).hasSize(2);
    }

    @Test
    void followsARotatedSecretFileWithoutARestart() throws Exception {
        String body = "{\"action\":\"rotated\"}";
        String second = randomHex(20);
        Path next = SECRET_FILE.resolveSibling(SECRET_FILE.getFileName() + ".next");
        Files.writeString(next, second);
        Files.move(next, SECRET_FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // the file is looked at most once a second: poll with a deadline for the new secret to apply
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        for (int i = 0; status != 204 && System.nanoTime() < deadline; i++) {
            status = post(body, "X-Hub-Signature-256", sign(second, body), "X-GitHub-Delivery", "rot-" + i).statusCode();
        }
        assertThat(status).as("the rotated secret is accepted").isEqualTo(204);
    }
}
