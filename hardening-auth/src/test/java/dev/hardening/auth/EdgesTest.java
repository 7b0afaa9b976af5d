package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import dev.hardening.testkit.FakeTime;

/** Webhook verifiers, API keys, CORS policy validation and startup findings. */
class EdgesTest {

    private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    private static final Secret SECRET = Secret.of("s3cret-value-with-enough-length-123");

    private static java.util.function.Function<String, Optional<String>> headers(String name, String value) {
        return n -> n.equalsIgnoreCase(name) ? Optional.ofNullable(value) : Optional.empty();
    }

    @Test
    void githubVerifierFailsSecureAndNeverLeaksTheSecret() {
        GitHubWebhookVerifier unset = GitHubWebhookVerifier.of("WEBHOOK_SECRET", Optional::empty);
        assertThatThrownBy(() -> unset.verify(BODY, headers("X-Hub-Signature-256", GitHubWebhookVerifier.sign(SECRET, BODY))))
                .isInstanceOf(WebhookRejectedException.class)
                .satisfies(e -> assertThat(((WebhookRejectedException) e).status()).isEqualTo(503));
        assertThat(unset.findings(AppEnvironment.PRODUCTION)).extracting(f -> f.status()).containsExactly(FindingStatus.FAIL);
        assertThat(unset.findings(AppEnvironment.DEV)).extracting(f -> f.status()).containsExactly(FindingStatus.WARN);

        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", () -> Optional.of(SECRET));
        v.verify(BODY, headers("X-Hub-Signature-256", GitHubWebhookVerifier.sign(SECRET, BODY)));
        for (String bad : new String[] {"sha1=abc", "sha256=zz", "sha256=" + "0".repeat(64), "sha256=" + "0".repeat(63)}) {
            assertThatThrownBy(() -> v.verify(BODY, headers("X-Hub-Signature-256", bad)))
                    .isInstanceOf(WebhookRejectedException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET.reveal()));
        }
        assertThat(v.findings(AppEnvironment.PRODUCTION)).extracting(f -> f.status()).containsExactly(FindingStatus.PASS);
        assertThat(v.findings(AppEnvironment.PRODUCTION).toString()).doesNotContain(SECRET.reveal());
    }

    @Test
    void timestampedVerifierEnforcesTheReplayWindow() {
        Instant now = Instant.parse("2026-01-15T10:00:00Z");
        TimestampedWebhookVerifier v = TimestampedWebhookVerifier.builder("HOOK_SECRET", () -> Optional.of(SECRET))
                .timeSource(FakeTime.startingAt(now)).build();
        v.verify(BODY, headers("Webhook-Signature", TimestampedWebhookVerifier.sign(SECRET, now.minusSeconds(60), BODY)));
        assertThatThrownBy(() -> v.verify(BODY, headers("Webhook-Signature",
                TimestampedWebhookVerifier.sign(SECRET, now.minus(Duration.ofMinutes(6)), BODY))))
                .extracting(e -> ((WebhookRejectedException) e).reason()).isEqualTo(WebhookRejection.STALE_TIMESTAMP);
        String sig = TimestampedWebhookVerifier.sign(SECRET, now, BODY);
        String otherTime = sig.replace("t=" + now.getEpochSecond(), "t=" + (now.getEpochSecond() - 1));
        assertThatThrownBy(() -> v.verify(BODY, headers("Webhook-Signature", otherTime)))
                .extracting(e -> ((WebhookRejectedException) e).reason()).isEqualTo(WebhookRejection.BAD_SIGNATURE);
        assertThatThrownBy(() -> v.verify(BODY, headers("Webhook-Signature", "v1=abc")))
                .extracting(e -> ((WebhookRejectedException) e).reason()).isEqualTo(WebhookRejection.MALFORMED_SIGNATURE);
    }

    @Test
    void apiKeysAreStoredAsHashesAndSupportRotation() {
        Map<String, Secret> keys = new LinkedHashMap<>();
        keys.put("ci", Secret.of("k".repeat(40)));
        keys.put("ops", Secret.of("o".repeat(40)).withPrevious(List.of(Secret.of("p".repeat(40)))));
        ApiKeyVerifier v = ApiKeyVerifier.ofKeys(keys);
        assertThat(v.verify("k".repeat(40))).contains("ci");
        assertThat(v.verify("p".repeat(40))).contains("ops");
        assertThat(v.verify("k".repeat(39))).isEmpty();
        assertThat(v.verify(null)).isEmpty();
        ApiKeyVerifier hashed = ApiKeyVerifier.ofHashes(Map.of("ci", ApiKeyVerifier.hash(Secret.of("k".repeat(40)))));
        assertThat(hashed.verify("k".repeat(40))).contains("ci");
        assertThatThrownBy(() -> ApiKeyVerifier.ofKeys(Map.of("short", Secret.of("xyz"))))
                .hasMessage("api key short: 3 chars, alphanumeric (expected: at least 32 random characters)");
    }

    @Test
    void corsPolicyRefusesWildcardsNullAndHttpInProduction() {
        CorsPolicy.Builder prod = CorsPolicy.builder(AppEnvironment.PRODUCTION);
        for (String bad : new String[] {"*", "null", "https://*.example.com", "https://app.example.com/", "ftp://x.example",
                "http://app.example.com", "https://u:p@app.example.com"}) {
            assertThatThrownBy(() -> prod.allowOrigins(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("origin: " + bad);
        }
        assertThatThrownBy(() -> prod.allowMethods("*")).hasMessage("method: * (expected: an explicit method such as GET)");
        assertThatThrownBy(() -> prod.allowHeaders("*")).hasMessage("header: * (expected: an explicit header name)");
        CorsPolicy dev = CorsPolicy.builder(AppEnvironment.DEV).allowOrigins("http://localhost:3000").build();
        assertThat(dev.findings(AppEnvironment.DEV)).extracting(f -> f.status()).contains(FindingStatus.WARN);

        CorsPolicy p = prod.allowOrigins("https://App.Example.com").build();
        assertThat(p.evaluate("GET", null, null, null).outcome()).isEqualTo(CorsPolicy.Outcome.NOT_CORS);
        assertThat(p.evaluate("GET", "https://app.example.com.evil.com", null, null).outcome())
                .isEqualTo(CorsPolicy.Outcome.ORIGIN_NOT_ALLOWED);
        assertThat(p.evaluate("OPTIONS", "https://app.example.com", "DELETE", null).outcome())
                .isEqualTo(CorsPolicy.Outcome.PREFLIGHT_REJECTED);
        assertThat(p.evaluate("OPTIONS", "https://app.example.com", "POST", "Content-Type, X-Evil").outcome())
                .isEqualTo(CorsPolicy.Outcome.PREFLIGHT_REJECTED);
        CorsPolicy.Decision ok = p.evaluate("GET", "https://app.example.com", null, null);
        assertThat(ok.headers()).containsEntry("Access-Control-Allow-Origin", "https://app.example.com").containsEntry("Vary", "Origin");
    }

    @Test
    void verifierContributesStartupFindings() {
        TokenVerifier dev = TokenVerifierAttackTest.verifier(TestKeys.standardJwks());
        // The issuer's finding, then the verified-token cache's (HA-A005, always a PASS).
        assertThat(dev.findings(AppEnvironment.PRODUCTION)).extracting(f -> f.status())
                .containsExactly(FindingStatus.FAIL, FindingStatus.PASS);
        dev.close();
        TokenVerifier real = TokenVerifier.builder()
                .issuer(IssuerPolicy.discovery("https://idp.example.com").audience("api").build()).build();
        assertThat(real.findings(AppEnvironment.PRODUCTION)).extracting(Finding::id).containsExactly("HA-A003", "HA-A005");
        assertThat(real.findings(AppEnvironment.PRODUCTION)).extracting(f -> f.status())
                .containsExactly(FindingStatus.PASS, FindingStatus.PASS);
        real.close();
    }
}
