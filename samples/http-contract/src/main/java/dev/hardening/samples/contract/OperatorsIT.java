package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does to a running deployment, through the packaged jar (SAMPLE.md): every
 * problem in one boot, silences ({@code SILENCE_<ID>}), a plain-http identity provider, a report
 * that tells the truth, and webhook-secret rotation without a restart.
 */
class OperatorsIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    private static Map<String, String> production(String... kv) {
        Map<String, String> m = ServiceProcess.env("SECRET_KEY", ServiceProcess.strongKey(), "PORT", "0",
                "OIDC_ISSUER", "https://idp.example.com", "OIDC_AUDIENCE", "api", "RATE_LIMIT_BACKEND", "memory",
                "WEBHOOK_SECRET", ServiceProcess.strongKey());
        m.putAll(ServiceProcess.env(kv));
        return m;
    }

    private static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private int deliver(String base, String secret, String body, String id) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/webhooks/github")).timeout(Duration.ofSeconds(10))
                .header("X-Hub-Signature-256", sign(secret, body)).header("X-GitHub-Delivery", id)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aWeakKeyAndEveryMissingSettingAreReportedInOneBoot() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("SECRET_KEY", "changeme", "PORT", "0"), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("SECRET_KEY", "OIDC_ISSUER", "OIDC_AUDIENCE", "FAIL")
                    .doesNotContainIgnoringCase("changeme");
            // the case, production with a default key and nothing else: the weak key, every
            // missing setting and the component findings (in-memory limiter, unset webhook secret) at once
            assertThat(p.stderr()).contains("5 FAIL", "refusing to start in production")
                    .containsPattern("FAIL\\s+HC-S001\\s+SECRET_KEY\\s")
                    .containsPattern("FAIL\\s+HC-E001\\s+OIDC_ISSUER\\s").containsPattern("FAIL\\s+HC-E001\\s+OIDC_AUDIENCE\\s")
                    .containsPattern("FAIL\\s+HR-B001\\s+REDIS_URI\\s").containsPattern("FAIL\\s+HA-W001\\s+WEBHOOK_SECRET\\s");
            assertThat(p.stderr().lines().filter(l -> l.contains("SECRET_KEY")).findAny())
                    .as("the weak key is named in the same report as the missing settings").isPresent();
            assertThat(p.allOutput()).doesNotContain("listening on", "Exception", "\tat ");
        }
    }

    @Test
    void aPlainHttpIdentityProviderFailsInProductionUnlessAnOperatorSilencesItWithAReasonAndAnExpiry() throws Exception {
        String httpIssuer = "http://keycloak.internal:8080/realms/api";
        try (JarProcess p = ServiceProcess.start(production("OIDC_ISSUER", httpIssuer), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("FAIL", "HA-A002");
        }
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        try (JarProcess p = ServiceProcess.start(production("OIDC_ISSUER", httpIssuer,
                "SILENCE_HA_A002", tomorrow + " mesh sidecar terminates TLS (TICKET-42)"), work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).isNotNull();
            assertThat(p.stdout()).contains("HA-A002", "mesh sidecar terminates TLS (TICKET-42)", tomorrow);
        }
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        try (JarProcess p = ServiceProcess.start(production("OIDC_ISSUER", httpIssuer,
                "SILENCE_HA_A002", yesterday + " expired acceptance"), work)) {
            assertThat(p.awaitExit(BOOT)).as("an expired silence counts as FAIL again").isEqualTo(78);
            assertThat(p.stderr()).contains("HA-A002");
        }
        try (JarProcess p = ServiceProcess.start(production("SILENCE_HA_A002", "2099-01-01"), work)) {
            assertThat(p.awaitExit(BOOT)).as("a silence without a reason is a configuration error").isEqualTo(78);
            assertThat(p.stderr()).contains("HC-E009", "SILENCE_HA_A002");
        }
    }

    @Test
    void aPlainHttpProviderIsAWarningOutsideProductionAndASilenceMatchingNothingIsAWarning() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0",
                "OIDC_ISSUER", "http://keycloak:8080/realms/dev", "OIDC_AUDIENCE", "api",
                "SILENCE_HX_Z999", "2099-01-01 nothing has this id"), work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).isNotNull();
            assertThat(p.stdout().lines().filter(l -> l.contains("HA-A002")).findFirst()).get().asString().contains("WARN");
            assertThat(p.stdout()).contains("HX-Z999");
        }
    }

    @Test
    void theReportDescribesTheServiceAsItRuns() throws Exception {
        try (JarProcess p = ServiceProcess.start(production(), work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).isNotNull();
            String report = p.stdout();
            assertThat(report).contains("HL-H001").doesNotContain("nothing registered");
            assertThat(report.lines().filter(l -> l.contains("HL-D004")).findFirst()).get().asString().contains("PASS");
            assertThat(report.indexOf("HL-H001")).as("report first, then the port").isLessThan(report.indexOf("listening on"));
        }
    }

    @Test
    void aRotatedWebhookSecretFileIsUsedWithoutARestartAndTheOldOneOnlyWhilePrevious() throws Exception {
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        Path current = secrets.resolve("webhook");
        String v1 = "v1-" + ServiceProcess.strongKey();
        String v2 = "v2-" + ServiceProcess.strongKey();
        Files.writeString(current, v1);
        Files.setPosixFilePermissions(current, PosixFilePermissions.fromString("rw-------"));
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0",
                "WEBHOOK_SECRET_FILE", current.toString()), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            String body = "{\"zen\":\"rotate\"}";
            assertThat(deliver(base, v1, body, "r-1")).isEqualTo(204);

            // as Kubernetes does it: a new file, then an atomic rename over the old one
            Path next = secrets.resolve(".webhook.new");
            Files.writeString(next, v2);
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int seen = 0;
            for (int i = 0; System.nanoTime() < deadline; i++) {
                seen = deliver(base, v2, body, "r-2-" + i);
                if (seen == 204) {
                    break;
                }
                Thread.onSpinWait();
            }
            assertThat(seen).as("the new secret is used within seconds, no restart").isEqualTo(204);
            assertThat(deliver(base, v1, body, "r-3")).as("the old secret is refused once replaced").isEqualTo(401);

            // a bad new file (empty) keeps the last good value: no outage
            Path empty = secrets.resolve(".webhook.empty");
            Files.writeString(empty, "");
            Files.move(empty, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String refused = "WEBHOOK_SECRET: new value in ";
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until && !p.allOutput().contains(refused)) {
                assertThat(deliver(base, v2, body, "r-4-" + System.nanoTime())).isEqualTo(204);
            }
            assertThat(p.allOutput()).as("the refused file is logged by variable and path")
                    .contains(refused).contains("keeping the last good value");
            assertThat(deliver(base, v2, body, "r-5")).as("the last good secret stays in use").isEqualTo(204);
            assertThat(p.allOutput()).doesNotContain(v1, v2);
        }
    }

    @Test
    void thePreviousWebhookSecretIsAcceptedDuringARotation() throws Exception {
        String now = ServiceProcess.strongKey();
        String before = ServiceProcess.strongKey();
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0",
                "WEBHOOK_SECRET", now, "WEBHOOK_SECRET_PREVIOUS", before), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            assertThat(deliver(base, now, "{}", "p-1")).isEqualTo(204);
            assertThat(deliver(base, before, "{}", "p-2")).isEqualTo(204);
            assertThat(deliver(base, "neither-" + now, "{}", "p-3")).isEqualTo(401);
        }
    }
}
