package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boot, report and health of SAMPLE.md, driven against the packaged jar as a black box. */
class StartupIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;


    /** Production settings that pass every check except what a test changes. */
    private static Map<String, String> production(String... kv) {
        Map<String, String> m = ServiceProcess.env("SECRET_KEY", ServiceProcess.strongKey(), "PORT", "0", "OIDC_ISSUER", "https://idp.example.com",
                "OIDC_AUDIENCE", "api", "RATE_LIMIT_BACKEND", "memory", "WEBHOOK_SECRET", ServiceProcess.strongKey());
        m.putAll(ServiceProcess.env(kv));
        return m;
    }


    private HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesToStartInProductionWithADefaultSecretAndNeverPrintsIt() throws Exception {
        try (JarProcess p = ServiceProcess.start(production("SECRET_KEY", "changeme"), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("FAIL", "HC-S001", "SECRET_KEY", "refusing to start in production");
            assertThat(p.allOutput()).doesNotContainIgnoringCase("changeme").doesNotContain("listening on");
        }
    }

    @Test
    void unknownAppEnvValuesAreProduction() throws Exception {
        try (JarProcess p = ServiceProcess.start(production("APP_ENV", "staging", "SECRET_KEY", "minioadmin"), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("environment: PRODUCTION", "HC-S001");
        }
    }

    @Test
    void refusesToStartWithoutASecretAndListsEveryProblem() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("PORT", "70000", "ALLOW_DEV_ON_NETWORK", "perhaps"), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            // one report of every problem: "FAIL  HC-E001  SECRET_KEY  ..." lines, then the count; the
            // component findings (the in-memory limiter, the unset webhook secret) in the same boot
            assertThat(p.stderr()).contains("7 FAIL", "refusing to start in production")
                    .containsPattern("FAIL\\s+HC-E001\\s+SECRET_KEY\\s").containsPattern("FAIL\\s+HC-E003\\s+PORT\\s")
                    .containsPattern("FAIL\\s+HC-E002\\s+ALLOW_DEV_ON_NETWORK\\s")
                    .containsPattern("FAIL\\s+HC-E001\\s+OIDC_ISSUER\\s").containsPattern("FAIL\\s+HC-E001\\s+OIDC_AUDIENCE\\s")
                    .containsPattern("FAIL\\s+HR-B001\\s+REDIS_URI\\s").containsPattern("FAIL\\s+HA-W001\\s+WEBHOOK_SECRET\\s")
                    .doesNotContain("Exception", "\tat ");
            assertThat(p.allOutput()).doesNotContain("listening on");
        }
    }

    @Test
    void startsWithAStrongKeyAndAnswersHealthWithoutInternals() throws Exception {
        String key = ServiceProcess.strongKey();
        try (JarProcess p = ServiceProcess.start(production("SECRET_KEY", key), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(p.stdout()).contains("hardening startup report (environment: PRODUCTION)", "PASS    HC-S001")
                    .doesNotContain(key);
            HttpResponse<String> live = get(base, "/livez");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("ok");
            HttpResponse<String> ready = get(base, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready");
            HttpResponse<String> missing = get(base, "/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(missing.body()).contains("\"status\":404");
            p.terminate();
            p.awaitExit(BOOT);
        }
    }

    @Test
    void readsTheSecretFromAFile() throws Exception {
        Path file = Files.writeString(work.resolve("secret_key"), ServiceProcess.strongKey() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        Map<String, String> settings = production("SECRET_KEY_FILE", file.toString());
        settings.remove("SECRET_KEY");
        try (JarProcess p = ServiceProcess.start(settings, work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).isNotNull();
            assertThat(p.stdout()).contains("PASS    HC-S001").doesNotContain("HC-S003");
        }
    }

    @Test
    void devStartsWithNoSettingsAndKeepsTheGeneratedSecretAcrossRestarts() throws Exception {
        Path stored = work.resolve(".hardening/dev-secrets/SECRET_KEY");
        String first;
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            assertThat(p.stdout()).contains("DEV MODE - NOT FOR PRODUCTION", "HC-S004");
            assertThat(get(base, "/livez").statusCode()).isEqualTo(200);
            first = Files.readString(stored);
            assertThat(Files.getPosixFilePermissions(stored)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(p.allOutput()).doesNotContain(first);
        }
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).isNotNull();
            assertThat(Files.readString(stored)).isEqualTo(first);
        }
    }

    @Test
    void devModeOnANetworkAddressIsRefusedUnlessExplicitlyAllowed() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "BIND_ADDRESS", "0.0.0.0", "PORT", "0"), work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("FAIL", "HC-M002", "ALLOW_DEV_ON_NETWORK");
        }
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "BIND_ADDRESS", "0.0.0.0", "PORT", "0",
                "ALLOW_DEV_ON_NETWORK", "true"), work)) {
            assertThat(p.awaitListening(BOOT)).as(p.allOutput()).startsWith("http://0.0.0.0:");
            assertThat(p.stdout()).contains("WARN    HC-M002");
        }
    }
}
