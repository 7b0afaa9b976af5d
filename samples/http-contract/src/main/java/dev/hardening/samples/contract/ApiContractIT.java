package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /api, /webhooks and /dev routes of SAMPLE.md, driven against the packaged jar. */
class ApiContractIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;


    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }


    private HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String devToken(String base, String sub) throws Exception {
        HttpResponse<String> r = send("POST", base + "/dev/token?sub=" + sub, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"token_type\":\"Bearer\"", "\"expires_in\":3600");
        int start = r.body().indexOf("\"access_token\":\"") + 16;
        return r.body().substring(start, r.body().indexOf('"', start));
    }

    private static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void devTokenOpensApiMeAndSurvivesARestart() throws Exception {
        String token;
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            token = devToken(base, "alice");
            HttpResponse<String> me = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).contains("\"sub\":\"alice\"", "\"iss\":\"urn:hardening:dev-issuer\"",
                    "\"aud\":[\"" + ServiceProcess.devAudience() + "\"]", "\"exp\":");
            assertThat(send("GET", base + "/dev/token", null).statusCode()).isEqualTo(405);
            assertThat(p.allOutput()).doesNotContain(token);
        }
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            String base = p.awaitListening(BOOT);
            HttpResponse<String> me = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
            assertThat(me.statusCode()).as("a token minted before the restart").isEqualTo(200);
        }
    }

    @Test
    void invalidOrMissingTokensGet401WithAChallengeAndNoEcho() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            String base = p.awaitListening(BOOT);
            String token = devToken(base, "bob");
            String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
            HttpResponse<String> bad = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + tampered);
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(bad.headers().firstValue("WWW-Authenticate")).get().asString().contains("Bearer", "error=\"invalid_token\"");
            assertThat(bad.body()).contains("\"status\":401").doesNotContain(tampered.substring(0, 20));
            HttpResponse<String> none = send("GET", base + "/api/v1/work?ms=0", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
            HttpResponse<String> work = send("GET", base + "/api/v1/work?ms=5", null, "Authorization", "Bearer " + token);
            assertThat(work.statusCode()).isEqualTo(200);
            assertThat(send("GET", base + "/api/v1/work?ms=60001", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void tokensFromAnExternalIssuerAreVerifiedAgainstItsJwksAndAnOutageIs503() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("k1").generate();
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        idp.createContext("/jwks", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        idp.start();
        String issuer = "http://127.0.0.1:" + idp.getAddress().getPort();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(issuer).subject("carol").audience("api").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        String token = jwt.serialize();
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "test", "PORT", "0", "OIDC_ISSUER", issuer,
                "OIDC_JWKS_URI", issuer + "/jwks", "OIDC_AUDIENCE", "api"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            HttpResponse<String> me = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(me.body()).contains("\"sub\":\"carol\"", "\"iss\":\"" + issuer + "\"");
            assertThat(send("POST", base + "/dev/token", null).statusCode()).as("dev-only route in test mode").isEqualTo(404);
        } finally {
            idp.stop(0);
        }
        String dead = "http://127.0.0.1:" + closedPort();
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "test", "PORT", "0", "OIDC_ISSUER", issuer,
                "OIDC_JWKS_URI", dead + "/jwks", "OIDC_AUDIENCE", "api"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as("a provider that is down does not stop the boot: " + p.allOutput()).isNotNull();
            HttpResponse<String> me = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
            assertThat(me.statusCode()).as(me.body()).isEqualTo(503);
            assertThat(me.body()).contains("\"status\":503").doesNotContain(token.substring(0, 20));
        }
    }

    @Test
    void githubWebhookVerifiesSignaturesDeduplicatesAndFailsClosedWithoutASecret() throws Exception {
        String secret = randomHex(20);
        String body = "{\"zen\":\"Keep it logically awesome.\"}";
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0", "WEBHOOK_SECRET", secret), work)) {
            String base = p.awaitListening(BOOT);
            String url = base + "/webhooks/github";
            HttpResponse<String> ok = send("POST", url, body, "X-Hub-Signature-256", sign(secret, body), "X-GitHub-Delivery", "d-1");
            assertThat(ok.statusCode()).isEqualTo(204);
            HttpResponse<String> again = send("POST", url, body, "X-Hub-Signature-256", sign(secret, body), "X-GitHub-Delivery", "d-1");
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo("duplicate");
            assertThat(send("POST", url, body, "X-Hub-Signature-256", sign(secret, body + " "), "X-GitHub-Delivery", "d-2")
                    .statusCode()).isEqualTo(401);
            assertThat(send("POST", url, body, "X-GitHub-Delivery", "d-3").statusCode()).isEqualTo(401);
            assertThat(send("POST", url, body, "X-Hub-Signature-256", sign(secret, body), "X-GitHub-Delivery", "d-2")
                    .statusCode()).as("a rejected delivery is not remembered").isEqualTo(204);
            for (String[] bad : new String[][] {{}, {"X-GitHub-Delivery", ""}, {"X-GitHub-Delivery", "   "},
                {"X-GitHub-Delivery", "d".repeat(129)}}) {
                String[] headers = new String[2 + bad.length];
                headers[0] = "X-Hub-Signature-256";
                headers[1] = sign(secret, body);
                System.arraycopy(bad, 0, headers, 2, bad.length);
                HttpResponse<String> refused = send("POST", url, body, headers);
                assertThat(refused.statusCode()).as("delivery id %s", String.join("=", bad)).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
                assertThat(refused.body()).contains("X-GitHub-Delivery");
            }
            assertThat(send("POST", url, body, "X-Hub-Signature-256", sign(secret, body), "X-GitHub-Delivery", "d".repeat(128))
                    .statusCode()).as("128 characters is the longest accepted id").isEqualTo(204);
            assertThat(p.allOutput()).doesNotContain(secret).contains("webhook delivery refused: X-GitHub-Delivery");
        }
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0"), work)) {
            String base = p.awaitListening(BOOT);
            HttpResponse<String> unset = send("POST", base + "/webhooks/github", body, "X-Hub-Signature-256", sign(secret, body));
            assertThat(unset.statusCode()).as("secret unset: never skip verification").isEqualTo(503);
        }
    }

    @Test
    void overTheLimitIs429WithRateLimitHeadersForAuthenticatedAndAnonymousCallers() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0", "RATE_LIMIT", "2/1m,100/1h"), work)) {
            String base = p.awaitListening(BOOT);
            String token = devToken(base, "dave");
            for (int i = 0; i < 2; i++) {
                assertThat(send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + token);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).get().asString().matches("\\d+");
            assertThat(limited.headers().firstValue("RateLimit")).isPresent();
            assertThat(limited.headers().firstValue("RateLimit-Policy")).get().asString().contains("2/1m");
            assertThat(limited.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(limited.body()).contains("\"status\":429");
            // another subject has its own quota
            String other = devToken(base, "erin");
            assertThat(send("GET", base + "/api/v1/me", null, "Authorization", "Bearer " + other).statusCode()).isEqualTo(200);
            // anonymous callers are limited by address, before authentication answers 401
            assertThat(send("GET", base + "/api/v1/me", null).statusCode()).isEqualTo(401);
            assertThat(send("GET", base + "/api/v1/me", null).statusCode()).isEqualTo(401);
            assertThat(send("GET", base + "/api/v1/me", null).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void productionRefusesTheInMemoryLimiterUnlessChosenAndBadLimits() throws Exception {
        Map<String, String> prod = ServiceProcess.env("SECRET_KEY", ServiceProcess.strongKey(), "PORT", "0", "OIDC_ISSUER", "https://idp.example.com",
                "OIDC_AUDIENCE", "api", "WEBHOOK_SECRET", randomHex(20));
        try (JarProcess p = ServiceProcess.start(prod, work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            assertThat(p.stderr()).contains("FAIL", "HR-B001");
        }
        Map<String, String> noWebhookSecret = new HashMap<>(prod);
        noWebhookSecret.remove("WEBHOOK_SECRET");
        noWebhookSecret.put("RATE_LIMIT_BACKEND", "memory");
        try (JarProcess p = ServiceProcess.start(noWebhookSecret, work)) {
            assertThat(p.awaitExit(BOOT)).as("a required secret missing in production refuses the boot").isEqualTo(78);
            assertThat(p.stderr()).contains("FAIL", "HA-W001", "WEBHOOK_SECRET");
        }
        prod.put("RATE_LIMIT", "0/1m");
        prod.put("RATE_LIMIT_FALLBACK", "sideways");
        try (JarProcess p = ServiceProcess.start(prod, work)) {
            assertThat(p.awaitExit(BOOT)).isEqualTo(78);
            // one report, both problems: "FAIL  HC-E002  RATE_LIMIT  ..." lines
            assertThat(p.stderr()).containsPattern("HC-E002\\s+RATE_LIMIT\\s").containsPattern("HC-E002\\s+RATE_LIMIT_FALLBACK\\s");
        }
        prod.put("RATE_LIMIT", "100/1m");
        prod.put("RATE_LIMIT_FALLBACK", "local");
        prod.put("RATE_LIMIT_BACKEND", "memory");
        try (JarProcess p = ServiceProcess.start(prod, work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            assertThat(p.stdout()).contains("HR-B001");
            assertThat(send("POST", base + "/dev/token", null).statusCode()).as("no dev issuer in production").isEqualTo(404);
        }
    }
}
