package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the packaged service after a scripted mix of requests: every count is
 * exactly what the script caused, and no subject, token, address or delivery id is in the output.
 */
class MetricsIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    private HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> me(String base, String token) throws Exception {
        return token == null ? send("GET", base + "/api/v1/me", null)
                : send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
    }

    private static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String jwt(RSAKey signer, JWSHeader header, String iss, String sub, String aud, Instant iat,
                              Instant exp) throws Exception {
        SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().issuer(iss).subject(sub).audience(aud)
                .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    /** The value of one sample line of the scrape, such as {@code name{a="b"} 3.0}. */
    private static double sample(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }

    @Test
    void scrapeCountsTheScriptedMixExactlyAndNamesNoCaller() throws Exception {
        // The service's dev issuer key, written where the service finds it, so the test can mint
        // tokens that fail exactly one check each.
        RSAKey devKey = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyID("dev-metrics-it").generate();
        DevSecretStore.forEnvironment(AppEnvironment.DEV, work.resolve(DevSecretStore.DEFAULT_DIRECTORY))
                .getOrCreate(DevIssuer.KEY_NAME, devKey::toJSONString);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("dev-metrics-it").generate();
        String webhookSecret = HexFormat.of().formatHex(new SecureRandom().generateSeed(20));

        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0",
                "RATE_LIMIT", "10/1m", "WEBHOOK_SECRET", webhookSecret), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            List<String> mustNotAppear = new ArrayList<>();

            // 1. alice: 3 valid requests
            String alice = mintDev(base, "alice-7f3a");
            mustNotAppear.add("alice-7f3a");
            mustNotAppear.add(alice.substring(alice.lastIndexOf('.') + 1));
            for (int i = 0; i < 3; i++) {
                assertThat(me(base, alice).statusCode()).isEqualTo(200);
            }

            // 2. one token per rejection reason, each sent once without a valid identity (keyed by address)
            Instant now = Instant.now();
            JWSHeader rs256 = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(devKey.getKeyID())
                    .type(JOSEObjectType.JWT).build();
            String iss = DevIssuer.ISSUER;
            String aud = ServiceProcess.devAudience();
            Map<String, String> rejected = new LinkedHashMap<>();
            rejected.put("malformed", "abc.def");
            rejected.put("bad_signature", jwt(stranger, rs256, iss, "mallory", aud, now, now.plusSeconds(300)));
            rejected.put("expired", jwt(devKey, rs256, iss, "mallory", aud, now.minusSeconds(7200),
                    now.minusSeconds(3600)));
            rejected.put("wrong_audience", jwt(devKey, rs256, iss, "mallory", "someone-else", now, now.plusSeconds(300)));
            rejected.put("wrong_issuer", jwt(devKey, rs256, "https://evil.example", "mallory", aud, now,
                    now.plusSeconds(300)));
            rejected.put("unknown_key", jwt(stranger, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid-9d2e11")
                    .type(JOSEObjectType.JWT).build(), iss, "mallory", aud, now, now.plusSeconds(300)));
            rejected.put("algorithm_not_allowed", b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
                    + b64("{\"iss\":\"" + iss + "\",\"sub\":\"mallory\"}") + "." + b64("sig"));
            rejected.put("untrusted_header", jwt(devKey, new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(devKey.getKeyID()).jwk(stranger.toPublicJWK()).build(), iss, "mallory", aud, now,
                    now.plusSeconds(300)));
            for (Map.Entry<String, String> e : rejected.entrySet()) {
                HttpResponse<String> r = me(base, e.getValue());
                assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(401);
                mustNotAppear.add(e.getValue());
                mustNotAppear.add(e.getValue().substring(e.getValue().lastIndexOf('.') + 1));
            }
            mustNotAppear.add("kid-9d2e11");
            mustNotAppear.add("mallory");

            // 3. anonymous: 2 more allowed (10 in all for the address), then 2 denied
            assertThat(me(base, null).statusCode()).isEqualTo(401);
            assertThat(me(base, null).statusCode()).isEqualTo(401);
            assertThat(me(base, null).statusCode()).isEqualTo(429);
            assertThat(me(base, null).statusCode()).isEqualTo(429);

            // 4. bob: 10 valid requests, then 2 denied
            String bob = mintDev(base, "bob-51c9");
            mustNotAppear.add("bob-51c9");
            for (int i = 0; i < 10; i++) {
                assertThat(me(base, bob).statusCode()).isEqualTo(200);
            }
            assertThat(me(base, bob).statusCode()).isEqualTo(429);
            assertThat(me(base, bob).statusCode()).isEqualTo(429);

            // 5. webhooks: one accepted, its duplicate, a bad signature, a missing signature
            String body = "{\"zen\":\"metrics\"}";
            String url = base + "/webhooks/github";
            String delivery = "delivery-3b8e7c";
            mustNotAppear.add(delivery);
            assertThat(send("POST", url, body, "X-Hub-Signature-256", sign(webhookSecret, body),
                    "X-GitHub-Delivery", delivery).statusCode()).isEqualTo(204);
            HttpResponse<String> again = send("POST", url, body, "X-Hub-Signature-256", sign(webhookSecret, body),
                    "X-GitHub-Delivery", delivery);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo("duplicate");
            assertThat(send("POST", url, body, "X-Hub-Signature-256", sign(webhookSecret, body + " "),
                    "X-GitHub-Delivery", "delivery-x").statusCode()).isEqualTo(401);
            assertThat(send("POST", url, body, "X-GitHub-Delivery", "delivery-y").statusCode()).isEqualTo(401);

            HttpResponse<String> metrics = send("GET", base + "/metrics", null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
            String scrape = metrics.body();

            // Valid tokens: verified once per request (the require filter reuses the identify filter's result).
            assertThat(sample(scrape, "hardening_auth_token_verifications_seconds_count{outcome=\"accepted\"}"))
                    .isEqualTo(3 + 12);
            // A rejected token is verified once too: the require filter reuses the identify filter's rejection.
            for (String reason : rejected.keySet()) {
                assertThat(sample(scrape, "hardening_auth_token_rejections_total{reason=\"" + reason + "\"}"))
                        .as(reason).isEqualTo(1.0);
            }
            assertThat(sample(scrape, "hardening_auth_token_verifications_seconds_count{outcome=\"rejected\"}"))
                    .isEqualTo(1.0 * rejected.size());
            assertThat(sample(scrape, "hardening_auth_token_rejections_total{reason=\"missing\"}"))
                    .as("no token: answered by the filter before any verification").isZero();
            // Rate limit: alice 3 + address 8 + 2 + bob 10 allowed; 2 + 2 denied
            assertThat(sample(scrape,
                    "hardening_ratelimit_decisions_total{limiter=\"api\",outcome=\"allowed\",source=\"local\"}"))
                    .isEqualTo(23.0);
            assertThat(sample(scrape,
                    "hardening_ratelimit_decisions_total{limiter=\"api\",outcome=\"denied\",source=\"local\"}"))
                    .isEqualTo(4.0);
            assertThat(sample(scrape,
                    "hardening_ratelimit_breaker_state{limiter=\"api\",state=\"none\"}")).isEqualTo(1.0);
            // Webhooks
            assertThat(sample(scrape,
                    "hardening_auth_webhook_verifications_total{outcome=\"accepted\",webhook=\"github\"}")).isEqualTo(2.0);
            assertThat(sample(scrape,
                    "hardening_auth_webhook_verifications_total{outcome=\"rejected\",webhook=\"github\"}")).isEqualTo(2.0);
            assertThat(sample(scrape,
                    "hardening_auth_webhook_rejections_total{reason=\"bad_signature\",webhook=\"github\"}")).isEqualTo(1.0);
            assertThat(sample(scrape,
                    "hardening_auth_webhook_rejections_total{reason=\"missing_signature\",webhook=\"github\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(scrape, "hardening_dedup_checks_total{outcome=\"first\",store=\"github\"}")).isEqualTo(1.0);
            assertThat(sample(scrape, "hardening_dedup_checks_total{outcome=\"duplicate\",store=\"github\"}"))
                    .isEqualTo(1.0);
            // Startup findings: the report the service printed
            assertThat(sample(scrape, "hardening_config_findings{status=\"fail\"}")).isZero();
            assertThat(sample(scrape, "hardening_config_findings{status=\"pass\"}")).isPositive();

            for (String value : mustNotAppear) {
                assertThat(scrape).as("scrape leaks a request value").doesNotContain(value);
            }
            assertThat(scrape).doesNotContain("127.0.0.1").doesNotContain(webhookSecret);
            assertThat(send("POST", base + "/metrics", "x").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void metricsOffRemovesTheRoute() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0",
                "METRICS", "off"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            assertThat(send("GET", base + "/metrics", null).statusCode()).isEqualTo(404);
        }
    }

    private String mintDev(String base, String sub) throws Exception {
        HttpResponse<String> r = send("POST", base + "/dev/token?sub=" + sub, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        int start = r.body().indexOf("\"access_token\":\"") + 16;
        return r.body().substring(start, r.body().indexOf('"', start));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
