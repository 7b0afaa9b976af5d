package dev.hardening.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookRejectedException;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Secret;
import dev.hardening.testkit.FakeTime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthMetricsTest {

    private final FakeTime time = FakeTime.create();
    private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());
    private FakeIssuer idp;
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        idp = FakeIssuer.start();
        verifier = AuthMetrics.instrument(TokenVerifier.builder()
                .issuer(IssuerPolicy.jwksUri(idp.issuer, idp.jwksUri()).audience(FakeIssuer.AUDIENCE).build())
                .timeSource(time)
                .jwks(FakeIssuer.patientJwks())
                .listener(AuthMetrics.jwksListener(registry))
                .build(), registry);
    }

    @AfterEach
    void stop() {
        verifier.close();
        idp.close();
    }

    private double rejections(String reason) {
        return registry.get(AuthMetrics.REJECTIONS).tag("reason", reason).counter().count();
    }

    private long verifications(String outcome) {
        return registry.get(AuthMetrics.VERIFICATIONS).tag("outcome", outcome).timer().count();
    }

    @Test
    void countsTheVerifiedTokenCacheHitsMissesAndDropsFromTheVerifiersOwnCounters() throws Exception {
        verifier.warmUp().get(60, TimeUnit.SECONDS);
        Instant now = time.now();
        String alice = idp.mint("alice", now);
        verifier.verify(alice);
        verifier.verify(alice);
        verifier.verify(alice);
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_LOOKUPS).tag("result", "hit").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_LOOKUPS).tag("result", "miss").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_SIZE).gauge().value()).isEqualTo(1);
        assertThat(verifier.cacheStats()).get().extracting(s -> s.hits()).isEqualTo(2L);
        time.advance(Duration.ofDays(1));
        assertThatThrownBy(() -> verifier.verify(alice)).isInstanceOf(InvalidTokenException.class);
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_LOOKUPS).tag("result", "miss").functionCounter().count())
                .as("the expired entry is gone: verified in full, then rejected").isEqualTo(2);
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_DROPPED).tag("reason", "time").functionCounter().count())
                .isEqualTo(verifier.cacheStats().orElseThrow().droppedTime());
        assertThat(registry.get(AuthMetrics.TOKEN_CACHE_SIZE).gauge().value()).isZero();
    }

    @Test
    void countsEachVerificationByOutcomeAndEachRejectionByReasonCode() throws Exception {
        verifier.warmUp().get(60, TimeUnit.SECONDS);
        Instant now = time.now();
        verifier.verify(idp.mint("alice", now));
        verifier.verify(idp.mint("bob", now));
        Map<String, String> bad = Map.of(
                "expired", idp.mint(idp.key, "k1", idp.issuer, "carol", FakeIssuer.AUDIENCE,
                        now.minusSeconds(3600), now.minusSeconds(1800)),
                "wrong_audience", idp.mint(idp.key, "k1", idp.issuer, "carol", "elsewhere", now, now.plusSeconds(60)),
                "bad_signature", idp.mint(idp.otherKey, "k1", idp.issuer, "carol", FakeIssuer.AUDIENCE, now,
                        now.plusSeconds(60)),
                "malformed", "not.a-token",
                "wrong_issuer", idp.mint(idp.key, "k1", "https://other.example", "carol", FakeIssuer.AUDIENCE, now,
                        now.plusSeconds(60)));
        bad.forEach((reason, token) -> assertThatThrownBy(() -> verifier.verify(token))
                .as(reason).isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.reason().code()).isEqualTo(reason)));

        assertThat(verifications("accepted")).isEqualTo(2);
        assertThat(verifications("rejected")).isEqualTo(5);
        for (String reason : bad.keySet()) {
            assertThat(rejections(reason)).as(reason).isEqualTo(1.0);
        }
        assertThat(rejections("unknown_key")).as("every reason is registered at zero").isZero();
        assertThat(registry.find(AuthMetrics.REJECTIONS).counters()).hasSize(
                dev.hardening.auth.RejectionReason.values().length);
    }

    @Test
    void exportsTheJwksCacheOfEachConfiguredIssuer() throws Exception {
        assertThat(registry.get(AuthMetrics.JWKS_STATE).tags("issuer", idp.issuer, "state", "not_loaded").gauge().value())
                .isEqualTo(1.0);
        verifier.warmUp().get(60, TimeUnit.SECONDS);
        verifier.verify(idp.mint("alice", time.now()));
        time.advance(Duration.ofSeconds(30));
        assertThat(registry.get(AuthMetrics.JWKS_FETCHES).tags("issuer", idp.issuer, "outcome", "success")
                .functionCounter().count()).isEqualTo(idp.jwksRequests.get()).isEqualTo(1.0);
        assertThat(registry.get(AuthMetrics.JWKS_FETCHES).tags("issuer", idp.issuer, "outcome", "failure")
                .functionCounter().count()).isZero();
        assertThat(registry.get(AuthMetrics.JWKS_STATE).tags("issuer", idp.issuer, "state", "fresh").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get(AuthMetrics.JWKS_STATE).tags("issuer", idp.issuer, "state", "not_loaded").gauge().value())
                .isZero();
        assertThat(registry.get(AuthMetrics.JWKS_KEY_AGE).tag("issuer", idp.issuer).gauge().value()).isEqualTo(30.0);
        assertThat(registry.get(AuthMetrics.JWKS_EVENTS).tag("type", "fetch_succeeded").counter().count()).isEqualTo(1.0);
    }

    @Test
    void instrumentedVerifierForwardsStatusAndFindings() {
        TokenVerifier plain = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys("https://static.example", idp.publicJwks()).audience("api").build())
                .timeSource(time).build();
        TokenVerifier metered = AuthMetrics.instrument(plain, registry);
        assertThat(metered.status()).isEqualTo(plain.status());
        assertThat(metered.findings(AppEnvironment.PRODUCTION)).isEqualTo(plain.findings(AppEnvironment.PRODUCTION));
        metered.close();
    }

    @Test
    void countsWebhookVerificationsAndRejectionsByReason() {
        Secret secret = Secret.of("0123456789abcdef0123456789abcdef");
        WebhookVerifier github = AuthMetrics.instrument(
                GitHubWebhookVerifier.of("WEBHOOK_SECRET", () -> Optional.of(secret)), "github", registry);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String signature = GitHubWebhookVerifier.sign(secret, body);
        github.verify(body, name -> name.equalsIgnoreCase(GitHubWebhookVerifier.HEADER) ? Optional.of(signature)
                : Optional.empty());
        assertThatThrownBy(() -> github.verify(body, name -> Optional.empty()))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> github.verify(body, name -> Optional.of("sha256=" + "0".repeat(64))))
                .isInstanceOf(WebhookRejectedException.class);

        assertThat(registry.get(AuthMetrics.WEBHOOK_VERIFICATIONS).tags("webhook", "github", "outcome", "accepted")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(AuthMetrics.WEBHOOK_VERIFICATIONS).tags("webhook", "github", "outcome", "rejected")
                .counter().count()).isEqualTo(2.0);
        assertThat(registry.get(AuthMetrics.WEBHOOK_REJECTIONS).tags("webhook", "github", "reason", "missing_signature")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(AuthMetrics.WEBHOOK_REJECTIONS).tags("webhook", "github", "reason", "bad_signature")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void rejectsNamesThatAreNotSafeTagValues() {
        WebhookVerifier any = GitHubWebhookVerifier.of("WEBHOOK_SECRET", Optional::empty);
        assertThatThrownBy(() -> AuthMetrics.instrument(any, "git hub", registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: 'git hub' (expected: letters, digits, '.', '_', '-' or ':')");
    }

    @Test
    void jwksListenerIgnoresTheEventDetail() {
        AuthMetrics.jwksListener(registry).onEvent(new JwksEvent(JwksEvent.Type.UNKNOWN_KID, idp.issuer, time.now(),
                "kid=attacker-chosen-123"));
        assertThat(registry.get(AuthMetrics.JWKS_EVENTS).tag("type", "unknown_kid").counter().count()).isEqualTo(1.0);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().toString()).doesNotContain("attacker"));
    }
}
