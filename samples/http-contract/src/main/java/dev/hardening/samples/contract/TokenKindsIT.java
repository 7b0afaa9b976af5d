package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.testkit.RedisServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service with every kind of access token SAMPLE.md names, black-box: DPoP-bound JWTs
 * (RFC 9449, one replica and two sharing one real Redis), opaque tokens checked by introspection
 * (RFC 7662), and the {@code OIDC_TOKEN_TYPE} policy (RFC 9068). The identity provider is a JDK
 * {@code HttpServer} in this test (discovery, JWKS, introspection); tokens, key thumbprints and DPoP
 * proofs are made with Nimbus (nimbus-jose-jwt, oauth2-oidc-sdk), not with the library under test.
 */
class TokenKindsIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    /** Two JVMs booting at once on a shared machine. */
    private static final Duration TWO_BOOTS = BOOT.multipliedBy(3);
    private static final String AUDIENCE = "api";
    private static final String CLIENT_ID = "resource-server";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path work;

    private Provider idp;

    @BeforeEach
    void startProvider() throws Exception {
        idp = new Provider(ServiceProcess.strongKey());
    }

    @AfterEach
    void stopProvider() {
        idp.close();
    }

    // ---------------------------------------------------------------------------------------------
    // DPoP

    @Test
    void aDpopBoundTokenIsServedWithItsProofAndRefusedOnReplayAsBearerAndForAnotherUrlOrMethod() throws Exception {
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        String token = idp.jwt(JOSEObjectType.JWT, "dpop-user-3c1d", c -> c.claim("cnf",
                Map.of("jkt", JWKThumbprintConfirmation.of(holder).getValue().toString())));
        try (JarProcess p = ServiceProcess.start(testEnv(), dir("dpop"))) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            URI me = URI.create(base + "/api/v1/me");

            String proof = proof(holder, "GET", me, token);
            HttpResponse<String> ok = get(me, "Authorization", "DPoP " + token, "DPoP", proof);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"sub\":\"dpop-user-3c1d\"", "\"iss\":\"" + idp.issuer + "\"",
                    "\"aud\":[\"api\"]", "\"exp\":");

            HttpResponse<String> replay = get(me, "Authorization", "DPoP " + token, "DPoP", proof);
            assertDpopChallenge(replay, "invalid_dpop_proof", "dpop_proof_replayed");

            HttpResponse<String> asBearer = get(me, "Authorization", "Bearer " + token);
            assertDpopChallenge(asBearer, "invalid_token", "dpop_bound_token");
            HttpResponse<String> asBearerWithProof = get(me, "Authorization", "Bearer " + token,
                    "DPoP", proof(holder, "GET", me, token));
            assertDpopChallenge(asBearerWithProof, "invalid_token", "dpop_bound_token");

            HttpResponse<String> otherUrl = get(me, "Authorization", "DPoP " + token,
                    "DPoP", proof(holder, "GET", URI.create(base + "/api/v1/work"), token));
            assertDpopChallenge(otherUrl, "invalid_dpop_proof", "dpop_proof_mismatch");
            HttpResponse<String> otherHost = get(me, "Authorization", "DPoP " + token,
                    "DPoP", proof(holder, "GET", URI.create("http://api.example.test/api/v1/me"), token));
            assertDpopChallenge(otherHost, "invalid_dpop_proof", "dpop_proof_mismatch");
            HttpResponse<String> otherMethod = get(me, "Authorization", "DPoP " + token,
                    "DPoP", proof(holder, "POST", me, token));
            assertDpopChallenge(otherMethod, "invalid_dpop_proof", "dpop_proof_mismatch");
            HttpResponse<String> otherKey = get(me, "Authorization", "DPoP " + token,
                    "DPoP", proof(new ECKeyGenerator(Curve.P_256).generate(), "GET", me, token));
            assertDpopChallenge(otherKey, "invalid_dpop_proof", "dpop_key_mismatch");
            HttpResponse<String> noProof = get(me, "Authorization", "DPoP " + token);
            assertDpopChallenge(noProof, "invalid_dpop_proof", "dpop_proof_invalid");

            HttpResponse<String> again = get(me, "Authorization", "DPoP " + token, "DPoP", proof(holder, "GET", me, token));
            assertThat(again.statusCode()).as("a fresh proof after the refusals: " + again.body()).isEqualTo(200);
            assertThat(p.allOutput()).doesNotContain(token, proof);
        }
    }

    @Test
    void aRefusedDpopRequestIsCountedAgainstTheClientAddressLikeAnyUnauthenticatedOne() throws Exception {
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        String token = idp.jwt(JOSEObjectType.JWT, "dpop-user-77a0", c -> c.claim("cnf",
                Map.of("jkt", JWKThumbprintConfirmation.of(holder).getValue().toString())));
        try (JarProcess p = ServiceProcess.start(testEnv("RATE_LIMIT", "3/1m"), dir("dpop-limited"))) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            URI me = URI.create(base + "/api/v1/me");

            // no subject is proven, so the client address is the key: its three requests, then 429
            for (int i = 0; i < 3; i++) {
                assertDpopChallenge(get(me, "Authorization", "DPoP " + token), "invalid_dpop_proof", "dpop_proof_invalid");
            }
            HttpResponse<String> limited = get(me, "Authorization", "DPoP " + token,
                    "DPoP", proof(new ECKeyGenerator(Curve.P_256).generate(), "GET", me, token));
            assertThat(limited.statusCode()).as("the address is over its limit: " + limited.body()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            assertThat(limited.body()).doesNotContain(token);

            // a proven request from the same address has its subject's own quota
            HttpResponse<String> ok = get(me, "Authorization", "DPoP " + token, "DPoP", proof(holder, "GET", me, token));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
    }

    @Test
    void aProofUsedOnOneReplicaIsRefusedOnTheOtherWhenBothShareRedis() throws Exception {
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        String token = idp.jwt(JOSEObjectType.JWT, "replicated-user", c -> c.claim("cnf",
                Map.of("jkt", JWKThumbprintConfirmation.of(holder).getValue().toString())));
        // Both replicas behind one load balancer (this test, on 127.0.0.1): the client calls one
        // public URL, whichever replica answers.
        URI publicUrl = URI.create("https://api.example.test/api/v1/me");
        String[] forwarded = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.test"};
        try (RedisServers.Server redis = RedisServers.standalone()) {
            Map<String, String> env = testEnv("REDIS_URI", redis.uri(), "TRUSTED_PROXIES", "127.0.0.1/32");
            try (JarProcess a = ServiceProcess.start(env, dir("replica-a"));
                 JarProcess b = ServiceProcess.start(env, dir("replica-b"))) {
                String baseA = a.awaitListening(TWO_BOOTS);
                assertThat(baseA).as(a.allOutput()).isNotNull();
                String baseB = b.awaitListening(TWO_BOOTS);
                assertThat(baseB).as(b.allOutput()).isNotNull();

                String proof = proof(holder, "GET", publicUrl, token);
                HttpResponse<String> onA = get(URI.create(baseA + "/api/v1/me"),
                        with(forwarded, "Authorization", "DPoP " + token, "DPoP", proof));
                assertThat(onA.statusCode()).as(onA.body()).isEqualTo(200);

                HttpResponse<String> fresh = get(URI.create(baseB + "/api/v1/me"),
                        with(forwarded, "Authorization", "DPoP " + token, "DPoP", proof(holder, "GET", publicUrl, token)));
                assertThat(fresh.statusCode()).as("replica B accepts a proof of its own: " + fresh.body()).isEqualTo(200);

                HttpResponse<String> replayOnB = get(URI.create(baseB + "/api/v1/me"),
                        with(forwarded, "Authorization", "DPoP " + token, "DPoP", proof));
                assertDpopChallenge(replayOnB, "invalid_dpop_proof", "dpop_proof_replayed");

                String other = proof(holder, "GET", publicUrl, token);
                HttpResponse<String> onB = get(URI.create(baseB + "/api/v1/me"),
                        with(forwarded, "Authorization", "DPoP " + token, "DPoP", other));
                assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
                HttpResponse<String> replayOnA = get(URI.create(baseA + "/api/v1/me"),
                        with(forwarded, "Authorization", "DPoP " + token, "DPoP", other));
                assertDpopChallenge(replayOnA, "invalid_dpop_proof", "dpop_proof_replayed");

                // Redis gone: a proof remembered by one replica's memory alone could be replayed on
                // the other, so DPoP requests fail closed; Bearer requests keep being served.
                redis.kill();
                String plain = idp.jwt(JOSEObjectType.JWT, "plain-user", c -> { });
                HttpResponse<String> during = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    during = get(URI.create(baseA + "/api/v1/me"), with(forwarded, "Authorization", "DPoP " + token,
                            "DPoP", proof(holder, "GET", publicUrl, token)));
                    if (during.statusCode() != 200) {
                        break;
                    }
                    Thread.onSpinWait();
                }
                assertDpopChallenge(during, "invalid_dpop_proof", "dpop_proof_replayed");
                HttpResponse<String> bearer = get(URI.create(baseA + "/api/v1/me"), "Authorization", "Bearer " + plain);
                assertThat(bearer.statusCode()).as("Bearer while Redis is down: " + bearer.body()).isEqualTo(200);

                redis.restart();
                HttpResponse<String> after = null;
                deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    after = get(URI.create(baseB + "/api/v1/me"), with(forwarded, "Authorization", "DPoP " + token,
                            "DPoP", proof(holder, "GET", publicUrl, token)));
                    if (after.statusCode() == 200) {
                        break;
                    }
                    Thread.onSpinWait();
                }
                assertThat(after.statusCode()).as("DPoP served again once Redis is back: " + after.body()).isEqualTo(200);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Opaque tokens (introspection)

    @Test
    void opaqueTokensAreCheckedByIntrospectionAndAnUnreachableEndpointIs503NotAPassOrA401() throws Exception {
        String alice = opaque();
        String client = opaque();
        String revoked = opaque();
        String otherAudience = opaque();
        String bound = opaque();
        String neverSeen = opaque();
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        idp.answers.put(alice, "{\"active\":true,\"sub\":\"alice-opaque\",\"client_id\":\"web\",\"iss\":\""
                + idp.issuer + "\",\"aud\":\"api\",\"exp\":" + exp + ",\"token_type\":\"Bearer\"}");
        // a client-credentials token as oidc-provider answers it: client_id, no sub
        idp.answers.put(client, "{\"active\":true,\"client_id\":\"batch-job\",\"iss\":\"" + idp.issuer
                + "\",\"aud\":[\"api\",\"other\"],\"exp\":" + exp + "}");
        idp.answers.put(revoked, "{\"active\":false}");
        idp.answers.put(otherAudience, "{\"active\":true,\"sub\":\"mallory\",\"iss\":\"" + idp.issuer
                + "\",\"aud\":\"someone-else\",\"exp\":" + exp + "}");
        idp.answers.put(bound, "{\"active\":true,\"sub\":\"bound-opaque\",\"iss\":\"" + idp.issuer
                + "\",\"aud\":\"api\",\"exp\":" + exp + ",\"cnf\":{\"jkt\":\""
                + JWKThumbprintConfirmation.of(holder).getValue() + "\"}}");

        try (JarProcess p = ServiceProcess.start(testEnv("OIDC_INTROSPECTION_URI", idp.introspectionUri(),
                "OIDC_CLIENT_ID", CLIENT_ID, "OIDC_CLIENT_SECRET", idp.clientSecret), dir("opaque"))) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            URI me = URI.create(base + "/api/v1/me");

            HttpResponse<String> ok = get(me, "Authorization", "Bearer " + alice);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"sub\":\"alice-opaque\"", "\"iss\":\"" + idp.issuer + "\"",
                    "\"aud\":[\"api\"]", "\"exp\":" + exp);
            assertThat(idp.unauthenticated).as("every introspection call carried the client's Basic credentials")
                    .isEmpty();

            HttpResponse<String> noSub = get(me, "Authorization", "Bearer " + client);
            assertThat(noSub.statusCode()).as(noSub.body()).isEqualTo(200);
            assertThat(noSub.body()).contains("\"sub\":\"batch-job\"");

            assertBearerInvalid(get(me, "Authorization", "Bearer " + revoked), "inactive");
            assertBearerInvalid(get(me, "Authorization", "Bearer " + otherAudience), "wrong_audience");

            HttpResponse<String> dpop = get(me, "Authorization", "DPoP " + bound,
                    "DPoP", proof(holder, "GET", me, bound));
            assertThat(dpop.statusCode()).as("cnf.jkt in the introspection answer: " + dpop.body()).isEqualTo(200);
            assertThat(dpop.body()).contains("\"sub\":\"bound-opaque\"");
            assertDpopChallenge(get(me, "Authorization", "Bearer " + bound), "invalid_token", "dpop_bound_token");

            int calls = idp.introspections.get();
            assertThat(get(me, "Authorization", "Bearer " + alice).statusCode()).isEqualTo(200);
            assertThat(idp.introspections.get()).as("an active answer is cached").isEqualTo(calls);

            idp.stopIntrospection();
            HttpResponse<String> down = get(me, "Authorization", "Bearer " + neverSeen);
            assertThat(down.statusCode()).as("endpoint down, nothing cached: " + down.body()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
            assertThat(down.headers().firstValue("Content-Type")).get().asString().contains("json");
            assertThat(down.body()).doesNotContain(neverSeen).doesNotContain("Exception");
            assertThat(idp.answered).as("the endpoint was really down: no answer for the new token")
                    .doesNotContain(neverSeen);

            assertThat(p.allOutput()).doesNotContain(alice, client, revoked, bound, neverSeen, idp.clientSecret);
        }
    }

    @Test
    void introspectionWithoutAClientIdIsRefusedInProductionNamingIt() throws Exception {
        String clientSecret = ServiceProcess.strongKey();
        Map<String, String> env = ServiceProcess.env("SECRET_KEY", ServiceProcess.strongKey(), "PORT", "0",
                "OIDC_ISSUER", "https://idp.example.com", "OIDC_AUDIENCE", AUDIENCE, "RATE_LIMIT_BACKEND", "memory",
                "WEBHOOK_SECRET", ServiceProcess.strongKey(),
                "OIDC_INTROSPECTION_URI", "https://idp.example.com/introspect", "OIDC_CLIENT_SECRET", clientSecret);
        try (JarProcess p = ServiceProcess.start(env, dir("no-client"))) {
            assertThat(p.awaitExit(BOOT)).as(p.allOutput()).isEqualTo(ServiceProcess.EX_CONFIG);
            List<String> fails = p.stderr().lines().filter(l -> l.startsWith("FAIL")).toList();
            assertThat(fails).as(p.stderr()).anyMatch(l -> l.contains("OIDC_CLIENT_ID"));
            assertThat(fails).as("only the missing client id fails").allMatch(l -> l.contains("OIDC_CLIENT_ID"));
            assertThat(p.allOutput()).doesNotContain("listening on", clientSecret, "Exception", "\tat ");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // OIDC_TOKEN_TYPE

    @Test
    void tokenTypeAtJwtAcceptsOnlyRfc9068AccessTokens() throws Exception {
        try (JarProcess p = ServiceProcess.start(testEnv("OIDC_TOKEN_TYPE", "at+jwt"), dir("at-jwt"))) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            assertThat(p.stdout().lines().filter(l -> l.contains("OIDC_TOKEN_TYPE")).findFirst()).as(p.stdout())
                    .get().asString().startsWith("PASS").contains("at+jwt: only RFC 9068 access tokens");
            URI me = URI.create(base + "/api/v1/me");

            HttpResponse<String> at = get(me, "Authorization", "Bearer "
                    + idp.jwt(new JOSEObjectType("at+jwt"), "at-user", c -> c.claim("client_id", "web")));
            assertThat(at.statusCode()).as(at.body()).isEqualTo(200);
            assertThat(at.body()).contains("\"sub\":\"at-user\"");
            HttpResponse<String> mediaType = get(me, "Authorization", "Bearer "
                    + idp.jwt(new JOSEObjectType("application/AT+JWT"), "at-user", c -> c.claim("client_id", "web")));
            assertThat(mediaType.statusCode()).as(mediaType.body()).isEqualTo(200);

            assertBearerInvalid(get(me, "Authorization", "Bearer "
                    + idp.jwt(JOSEObjectType.JWT, "id-user", c -> c.claim("client_id", "web"))), "wrong_token_type");
            assertBearerInvalid(get(me, "Authorization", "Bearer "
                    + idp.jwt(null, "id-user", c -> c.claim("client_id", "web"))), "wrong_token_type");
        }
        try (JarProcess p = ServiceProcess.start(testEnv(), dir("any"))) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            HttpResponse<String> jwt = get(URI.create(base + "/api/v1/me"), "Authorization", "Bearer "
                    + idp.jwt(JOSEObjectType.JWT, "any-user", c -> { }));
            assertThat(jwt.statusCode()).as("the default policy (any) takes typ JWT: " + jwt.body()).isEqualTo(200);
            assertThat(p.stdout().lines().filter(l -> l.contains("OIDC_TOKEN_TYPE")).findFirst()).as(p.stdout())
                    .get().asString().startsWith("PASS").contains("any: typ absent, JWT or at+jwt");
        }
    }

    @Test
    void anUnknownTokenTypeIsAConfigurationError() throws Exception {
        try (JarProcess p = ServiceProcess.start(testEnv("OIDC_TOKEN_TYPE", "bogus"), dir("bogus"))) {
            assertThat(p.awaitExit(BOOT)).as(p.allOutput()).isEqualTo(ServiceProcess.EX_CONFIG);
            assertThat(p.stderr()).contains("OIDC_TOKEN_TYPE", "FAIL");
            assertThat(p.allOutput()).doesNotContain("listening on", "Exception", "\tat ");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    private Map<String, String> testEnv(String... kv) {
        Map<String, String> env = ServiceProcess.env("APP_ENV", "test", "PORT", "0", "OIDC_ISSUER", idp.issuer,
                "OIDC_AUDIENCE", AUDIENCE);
        env.putAll(ServiceProcess.env(kv));
        return env;
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    private String opaque() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return "op_" + HexFormat.of().formatHex(b);
    }

    /** A DPoP proof made by Nimbus' OAuth SDK: ES256, fresh {@code jti}, {@code iat} now, {@code ath} of the token. */
    private static String proof(ECKey holder, String method, URI url, String token) throws Exception {
        return new DefaultDPoPProofFactory(holder, JWSAlgorithm.ES256)
                .createDPoPJWT(method, url, new DPoPAccessToken(token)).serialize();
    }

    private static String[] with(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private HttpResponse<String> get(URI url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertDpopChallenge(HttpResponse<String> r, String error, String description) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        assertThat(challenge).as("challenge").startsWith("DPoP ").contains("error=\"" + error + "\"")
                .contains("error_description=\"" + description + "\"").containsPattern("algs=\"[^\"]*ES256[^\"]*\"");
        assertThat(r.body()).contains("\"status\":401").doesNotContain("Exception");
    }

    private static void assertBearerInvalid(HttpResponse<String> r, String description) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer ")
                .contains("error=\"invalid_token\"", "error_description=\"" + description + "\"");
        assertThat(r.body()).contains("\"status\":401").doesNotContain("Exception");
    }

    /** Adds claims to a token being built. */
    @FunctionalInterface
    private interface Claims {
        void add(JWTClaimsSet.Builder claims) throws Exception;
    }

    /**
     * The identity provider: {@code /.well-known/openid-configuration} and {@code /jwks} on one
     * server, {@code /introspect} on another (so that it alone can go down). Introspection
     * requires HTTP Basic with {@link #CLIENT_ID} and the client secret, form-encoded first
     * (RFC 6749 §2.3.1); unknown tokens are inactive.
     */
    private static final class Provider implements AutoCloseable {
        final RSAKey key;
        final HttpServer server;
        final HttpServer introspection;
        final String issuer;
        final String clientSecret;
        final Map<String, String> answers = new ConcurrentHashMap<>();
        final AtomicInteger introspections = new AtomicInteger();
        final List<String> answered = new CopyOnWriteArrayList<>();
        final List<String> unauthenticated = new CopyOnWriteArrayList<>();
        private final AtomicBoolean introspectionStopped = new AtomicBoolean();

        Provider(String clientSecret) throws Exception {
            this.clientSecret = clientSecret;
            key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID("idp-" + Long.toHexString(new SecureRandom().nextLong())).generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            introspection = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            issuer = "http://127.0.0.1:" + server.getAddress().getPort();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
            byte[] discovery = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                    + "\"introspection_endpoint\":\"" + introspectionUri() + "\","
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}").getBytes(StandardCharsets.UTF_8);
            server.createContext("/.well-known/openid-configuration", ex -> reply(ex, 200, discovery));
            server.createContext("/jwks", ex -> reply(ex, 200, jwks));
            introspection.createContext("/introspect", this::introspect);
            server.start();
            introspection.start();
        }

        String introspectionUri() {
            return "http://127.0.0.1:" + introspection.getAddress().getPort() + "/introspect";
        }

        String jwt(JOSEObjectType typ, String sub, Claims extra) throws Exception {
            Instant now = Instant.now();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(sub).audience(AUDIENCE)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                    .jwtID(Long.toHexString(new SecureRandom().nextLong()));
            extra.add(claims);
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
            if (typ != null) {
                header.type(typ);
            }
            SignedJWT jwt = new SignedJWT(header.build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        }

        private void introspect(HttpExchange ex) throws IOException {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String expected = "Basic " + Base64.getEncoder().encodeToString((form(CLIENT_ID) + ":"
                        + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
                String token = null;
                for (String pair : body.split("&")) {
                    if (pair.startsWith("token=")) {
                        token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                    }
                }
                if (!ex.getRequestMethod().equals("POST")
                        || !expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    unauthenticated.add(String.valueOf(token));
                    reply(ex, 401, "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                introspections.incrementAndGet();
                answered.add(String.valueOf(token));
                String answer = token == null ? "{\"active\":false}" : answers.getOrDefault(token, "{\"active\":false}");
                reply(ex, 200, answer.getBytes(StandardCharsets.UTF_8));
            }
        }

        void stopIntrospection() {
            if (introspectionStopped.compareAndSet(false, true)) {
                introspection.stop(0);
            }
        }

        private static String form(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            stopIntrospection();
        }
    }
}
