package dev.hardening.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.hardening.auth.Jwt.AUDIENCE;
import static dev.hardening.auth.Jwt.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.hardening.testkit.FakeTime;

/** The JWKS cache against WireMock playing the identity provider: discovery, rotation, faults, floods. */
class RemoteJwksIT {

    private final FakeIdp idp = new FakeIdp();
    private final FakeTime clock = FakeTime.startingAt(NOW);
    private final List<JwksEvent> events = new CopyOnWriteArrayList<>();
    private final List<TokenVerifier> verifiers = new ArrayList<>();

    @AfterEach
    void stop() {
        verifiers.forEach(TokenVerifier::close);
        idp.close();
    }

    private JwksSettings.Builder fast() {
        return JwksSettings.builder().initialBackoff(Duration.ofMillis(1));
    }

    private TokenVerifier viaJwksUri(JwksSettings settings) {
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.jwksUri(idp.issuer(), idp.jwksUri()).audience(AUDIENCE).build())
                .timeSource(clock)
                .jwks(settings)
                .listener(events::add)
                .listener(e -> {
                    throw new IllegalStateException("a broken listener must not matter");
                })
                .build();
        verifiers.add(v);
        return v;
    }

    private TokenVerifier viaDiscovery() {
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.discovery(idp.issuer()).audience(AUDIENCE).build())
                .timeSource(clock)
                .jwks(fast().build())
                .build();
        verifiers.add(v);
        return v;
    }

    private String token(String kid) {
        return Jwt.token().claim("iss", idp.issuer()).alg("RS256", kid).sign(TestKeys.RSA);
    }

    private String tokenAt(String kid, java.security.KeyPair key) {
        long now = clock.now().getEpochSecond();
        return Jwt.token().claim("iss", idp.issuer()).claim("iat", now).claim("exp", now + 600).alg("RS256", kid).sign(key);
    }

    private static String jwks(java.security.KeyPair key, String kid) {
        return TestKeys.jwks(TestKeys.jwk(key, kid).toJSONString());
    }

    @Test
    void discoversTheJwksAndVerifies() {
        idp.discovery().jwks(jwks(TestKeys.RSA, "k1"));
        TokenVerifier v = viaDiscovery();
        assertThat(v.verify(token("k1")).subject()).isEqualTo("alice");
        assertThat(v.verify(token("k1")).subject()).isEqualTo("alice");
        assertThat(idp.discoveryFetches()).isEqualTo(1);
        assertThat(idp.jwksFetches()).isEqualTo(1);
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.FRESH);
        assertThat(v.status().get(0).keyIds()).containsExactly("k1");
    }

    @Test
    void refusesDiscoveryDocumentNamingAnotherIssuer() {
        idp.discoveryFor("https://evil.example").jwks(jwks(TestKeys.RSA, "k1"));
        TokenVerifier v = viaDiscovery();
        assertThatThrownBy(() -> v.verify(token("k1"))).isInstanceOf(KeysUnavailableException.class);
        assertThat(idp.jwksFetches()).isZero();
        assertThat(v.status().get(0).lastFailureKind()).contains("issuer_mismatch");
    }

    @Test
    void startsLazilyWhileTheProviderIsDownAndRecovers() {
        idp.jwksFault(Fault.CONNECTION_RESET_BY_PEER);
        TokenVerifier v = viaJwksUri(fast().build());
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.NOT_LOADED);
        assertThat(idp.jwksFetches()).isZero();

        assertThatThrownBy(() -> v.verify(token("k1")))
                .isInstanceOf(KeysUnavailableException.class)
                .satisfies(e -> assertThat(((TokenRejectedException) e).status()).isEqualTo(503));
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.UNAVAILABLE);

        idp.jwks(jwks(TestKeys.RSA, "k1"));
        clock.advance(JwksSettings.DEFAULT_REFRESH_WINDOW.plusSeconds(1));
        assertThat(v.verify(token("k1")).subject()).isEqualTo("alice");
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.FRESH);
    }

    @Test
    void retriesServerErrorsWithBackoffThenAnswers503() {
        idp.jwksStatus(500);
        TokenVerifier v = viaJwksUri(fast().build());
        assertThatThrownBy(() -> v.verify(token("k1"))).isInstanceOf(KeysUnavailableException.class);
        assertThat(idp.jwksFetches()).isEqualTo(JwksSettings.DEFAULT_MAX_ATTEMPTS);
        JwksStatus s = v.status().get(0);
        assertThat(s.lastFailureKind()).contains("http_500");
        assertThat(s.fetches()).isEqualTo(3);
        assertThat(s.fetchFailures()).isEqualTo(3);
        assertThat(events).extracting(JwksEvent::type).contains(JwksEvent.Type.FETCH_FAILED, JwksEvent.Type.REFRESH_FAILED);
    }

    @Test
    void doesNotRetryClientErrors() {
        idp.jwksStatus(404);
        TokenVerifier v = viaJwksUri(fast().build());
        assertThatThrownBy(() -> v.verify(token("k1"))).isInstanceOf(KeysUnavailableException.class);
        assertThat(idp.jwksFetches()).isEqualTo(1);
    }

    @Test
    void requestWaitIsBoundedWhileTheProviderHangs() {
        idp.jwks(aResponse().withStatus(200).withFixedDelay(5000).withBody(jwks(TestKeys.RSA, "k1")));
        TokenVerifier v = viaJwksUri(fast().maxAttempts(1).readTimeout(Duration.ofSeconds(4))
                .maxWait(Duration.ofMillis(200)).build());
        assertThatThrownBy(() -> v.verify(token("k1"))).isInstanceOf(KeysUnavailableException.class);
        // The request gave up while the fetch was still running: no failure recorded yet.
        assertThat(v.status().get(0).lastFailure()).isEmpty();
    }

    @Test
    void timesOutSlowResponsesAndSlowBodies() {
        idp.jwks(aResponse().withStatus(200).withFixedDelay(3000).withBody(jwks(TestKeys.RSA, "k1")));
        TokenVerifier v = viaJwksUri(fast().maxAttempts(1).readTimeout(Duration.ofMillis(300)).build());
        v.warmUp().join();
        assertThat(v.status().get(0).lastFailureKind()).contains("timeout");

        FakeIdp slowBody = new FakeIdp();
        try {
            slowBody.jwks(aResponse().withStatus(200).withBody(jwks(TestKeys.RSA, "k1")).withChunkedDribbleDelay(20, 3000));
            TokenVerifier v2 = TokenVerifier.builder()
                    .issuer(IssuerPolicy.jwksUri(slowBody.issuer(), slowBody.jwksUri()).audience(AUDIENCE).build())
                    .timeSource(clock).jwks(fast().maxAttempts(1).readTimeout(Duration.ofMillis(300)).build()).build();
            verifiers.add(v2);
            v2.warmUp().join();
            assertThat(v2.status().get(0).lastFailureKind()).contains("timeout");
        } finally {
            slowBody.close();
        }
    }

    @Test
    void rejectsOversizedAndMalformedKeySets() {
        idp.jwks("{\"keys\":[],\"pad\":\"" + "x".repeat(300 * 1024) + "\"}");
        TokenVerifier v = viaJwksUri(fast().build());
        v.warmUp().join();
        assertThat(v.status().get(0).lastFailureKind()).contains("too_large");

        idp.jwks("<html>Service Unavailable</html>");
        clock.advance(Duration.ofMinutes(1));
        v.warmUp().join();
        assertThat(v.status().get(0).lastFailureKind()).contains("malformed");

        idp.jwks(TestKeys.jwks(TestKeys.jwk(TestKeys.RSA_1024, "weak").toJSONString()));
        clock.advance(Duration.ofMinutes(1));
        v.warmUp().join();
        assertThat(v.status().get(0).lastFailureKind()).contains("no_usable_keys");
        assertThat(events).extracting(JwksEvent::type).contains(JwksEvent.Type.KEY_IGNORED);
    }

    @Test
    void doesNotFollowRedirects() {
        idp.jwks(aResponse().withStatus(302).withHeader("Location", "https://attacker.example/keys"));
        TokenVerifier v = viaJwksUri(fast().build());
        v.warmUp().join();
        assertThat(v.status().get(0).lastFailureKind()).contains("http_302");
    }

    @Test
    void followsKeyRotation() {
        idp.jwks(jwks(TestKeys.RSA, "k1"));
        TokenVerifier v = viaJwksUri(fast().build());
        assertThat(v.verify(tokenAt("k1", TestKeys.RSA)).subject()).isEqualTo("alice");

        idp.jwks(jwks(TestKeys.RSA_2, "k2"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(v.verify(tokenAt("k2", TestKeys.RSA_2)).keyId()).contains("k2");
        assertThatThrownBy(() -> v.verify(tokenAt("k1", TestKeys.RSA)))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }

    @Test
    void unknownKidFloodCausesAtMostTwoFetchesPerWindow() throws Exception {
        idp.jwks(jwks(TestKeys.RSA, "k1"));
        TokenVerifier v = viaJwksUri(fast().build());
        String valid = token("k1");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String forged = token(UUID.randomUUID().toString());
                        assertThatThrownBy(() -> v.verify(forged))
                                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
                        assertThat(v.verify(valid).subject()).isEqualTo("alice");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(idp.jwksFetches()).isLessThanOrEqualTo(JwksSettings.DEFAULT_REFRESHES_PER_WINDOW);
        JwksStatus s = v.status().get(0);
        assertThat(s.unknownKids()).isEqualTo(2000);
        assertThat(s.rateLimitedRefreshes()).isPositive();

        // The same kid again is answered from the negative cache.
        String repeated = token("repeat-me");
        assertThatThrownBy(() -> v.verify(repeated)).isInstanceOf(InvalidTokenException.class);
        long hits = v.status().get(0).negativeCacheHits();
        assertThatThrownBy(() -> v.verify(repeated)).isInstanceOf(InvalidTokenException.class);
        assertThat(v.status().get(0).negativeCacheHits()).isEqualTo(hits + 1);
    }

    @Test
    void servesLastGoodKeysThroughAnOutageThenGivesUp() {
        idp.jwks(jwks(TestKeys.RSA, "k1"), "public, max-age=300");
        TokenVerifier v = viaJwksUri(fast().build());
        assertThat(v.verify(tokenAt("k1", TestKeys.RSA)).subject()).isEqualTo("alice");

        idp.jwksFault(Fault.CONNECTION_RESET_BY_PEER);
        clock.advance(Duration.ofHours(2));
        assertThat(v.verify(tokenAt("k1", TestKeys.RSA)).subject()).isEqualTo("alice");
        v.warmUp().join();
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.STALE);
        assertThat(v.status().get(0).consecutiveFailures()).isPositive();
        assertThat(v.verify(tokenAt("k1", TestKeys.RSA)).subject()).isEqualTo("alice");
        assertThat(events).extracting(JwksEvent::type).contains(JwksEvent.Type.SERVING_STALE_KEYS);

        clock.advance(JwksSettings.DEFAULT_OUTAGE_TOLERANCE);
        assertThatThrownBy(() -> v.verify(tokenAt("k1", TestKeys.RSA))).isInstanceOf(KeysUnavailableException.class);

        idp.jwks(jwks(TestKeys.RSA, "k1"));
        clock.advance(JwksSettings.DEFAULT_REFRESH_WINDOW.plusSeconds(1));
        assertThat(v.verify(tokenAt("k1", TestKeys.RSA)).subject()).isEqualTo("alice");
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.FRESH);
        assertThat(v.status().get(0).consecutiveFailures()).isZero();
    }

    @Test
    void clampsMaxAgeAndRefreshesAheadInTheBackground() {
        idp.jwks(jwks(TestKeys.RSA, "k1"), "max-age=1");
        TokenVerifier v = viaJwksUri(fast().build());
        v.verify(tokenAt("k1", TestKeys.RSA));
        clock.advance(Duration.ofSeconds(30));
        v.verify(tokenAt("k1", TestKeys.RSA));
        assertThat(idp.jwksFetches()).isEqualTo(1);
        // 75 % of the 60 s floor has passed: the request is served from cache and a refresh starts.
        clock.advance(Duration.ofSeconds(20));
        v.verify(tokenAt("k1", TestKeys.RSA));
        awaitFetchedNow(v);
        assertThat(idp.jwksFetches()).isEqualTo(2);

        idp.jwks(jwks(TestKeys.RSA, "k1"), "max-age=999999999");
        clock.advance(Duration.ofMinutes(2));
        v.verify(tokenAt("k1", TestKeys.RSA));
        awaitFetchedNow(v);
        assertThat(idp.jwksFetches()).isEqualTo(3);
        clock.advance(Duration.ofHours(17));
        v.verify(tokenAt("k1", TestKeys.RSA));
        assertThat(idp.jwksFetches()).isEqualTo(3);
        assertThat(v.status().get(0).state()).isEqualTo(JwksStatus.State.FRESH);
    }

    /**
     * Waits (polling, 10 s deadline) until the refresh the last verify started has been applied: its
     * success is stamped with the fake clock's current time. Joining {@code warmUp()} instead raced the
     * background refresh: when it had already finished, warmUp started a further fetch and the count
     * came out one too high.
     */
    private void awaitFetchedNow(TokenVerifier v) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!v.status().get(0).lastSuccess().equals(Optional.of(clock.now()))) {
            assertThat(System.nanoTime() - deadline).as("refresh applied within 10 s").isNegative();
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    @Test
    void defaultsArePinned() {
        JwksSettings d = JwksSettings.defaults();
        assertThat(d.connectTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(d.readTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(d.maxWait()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(d.refreshWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.refreshesPerWindow()).isEqualTo(2);
        assertThat(d.outageTolerance()).isGreaterThanOrEqualTo(Duration.ofHours(1));
        assertThat(d.minCacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxCacheTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(d.maxResponseBytes()).isEqualTo(256 * 1024);
        assertThat(TokenVerifier.DEFAULT_MAX_TOKEN_BYTES).isEqualTo(16 * 1024);
        assertThat(IssuerPolicy.DEFAULT_CLOCK_SKEW).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> JwksSettings.builder().maxWait(Duration.ofSeconds(11)))
                .hasMessage("maxWait: PT11S (expected: PT0S to PT10S)");
        assertThatThrownBy(() -> IssuerPolicy.discovery("ftp://idp.example.com"))
                .hasMessage("issuer: ftp://idp.example.com (expected: an https URL, or http with the HA-A002 finding)");
        assertThatThrownBy(() -> IssuerPolicy.discovery("https://idp.example.com").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("audience: unset");
    }
}
