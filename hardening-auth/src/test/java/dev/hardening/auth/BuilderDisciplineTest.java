package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.internal.DefaultTokenVerifier;
import dev.hardening.config.TimeSource;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every builder option is set once, with one message shape; no entry point skips the builder's checks. */
class BuilderDisciplineTest {

    private static IssuerPolicy policy() {
        return IssuerPolicy.discovery("https://idp.example").audience("orders").build();
    }

    @Test
    void tokenVerifierOptionsAreSetOnce() {
        TokenVerifier.Builder b = TokenVerifier.builder().timeSource(FakeTime.create()).maxTokenBytes(4096)
                .jwks(JwksSettings.defaults());
        assertThatThrownBy(() -> b.timeSource(TimeSource.system())).isInstanceOf(IllegalStateException.class)
                .hasMessage("timeSource: already set");
        assertThatThrownBy(() -> b.maxTokenBytes(8192)).hasMessage("maxTokenBytes: already set");
        assertThatThrownBy(() -> b.jwks(JwksSettings.defaults())).hasMessage("jwks: already set");
        assertThatThrownBy(() -> TokenVerifier.builder().timeSource(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeSource: null");
        assertThatThrownBy(() -> TokenVerifier.builder().maxTokenBytes(10))
                .hasMessage("maxTokenBytes: 10 (expected: 1024 to 1048576)");
    }

    @Test
    void issuerPolicyOptionsAreSetOnce() {
        IssuerPolicy.Builder b = IssuerPolicy.discovery("https://idp.example").audience("orders")
                .clockSkew(Duration.ofSeconds(10)).maxLifetime(Duration.ofHours(1)).algorithms("RS256")
                .profile(TokenProfile.ACCESS_TOKEN);
        assertThatThrownBy(() -> b.audience("other")).hasMessage("audience: already set");
        assertThatThrownBy(() -> b.clockSkew(Duration.ZERO)).hasMessage("clockSkew: already set");
        assertThatThrownBy(() -> b.maxLifetime(Duration.ofHours(2))).hasMessage("maxLifetime: already set");
        assertThatThrownBy(() -> b.algorithms("ES256")).hasMessage("algorithms: already set");
        assertThatThrownBy(() -> b.profile(TokenProfile.ID_TOKEN)).hasMessage("profile: already set");
        IssuerPolicy p = IssuerPolicy.discovery("https://idp.example").audience("orders").build();
        assertThat(p.clockSkew()).isEqualTo(IssuerPolicy.DEFAULT_CLOCK_SKEW);
        assertThat(p.maxLifetime()).isEqualTo(IssuerPolicy.DEFAULT_MAX_LIFETIME);
        assertThat(p.algorithms()).isEqualTo(IssuerPolicy.ASYMMETRIC_ALGORITHMS);
        assertThat(p.profile()).isEqualTo(TokenProfile.ACCESS_TOKEN);
    }

    @Test
    void jwksSettingsOptionsAreSetOnceAndDefaultsApplyWhenUnset() {
        JwksSettings.Builder b = JwksSettings.builder().maxWait(Duration.ofMillis(100)).refreshesPerWindow(1);
        assertThatThrownBy(() -> b.maxWait(Duration.ofMillis(200))).hasMessage("maxWait: already set");
        assertThatThrownBy(() -> b.refreshesPerWindow(3)).hasMessage("refreshesPerWindow: already set");
        JwksSettings s = b.build();
        assertThat(s.maxWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.refreshesPerWindow()).isEqualTo(1);
        assertThat(s.negativeCacheSize()).isEqualTo(JwksSettings.DEFAULT_NEGATIVE_CACHE_SIZE);
        assertThat(s.cacheTtl()).isEqualTo(JwksSettings.DEFAULT_CACHE_TTL);
    }

    @Test
    void timestampedWebhookOptionsAreSetOnce() {
        TimestampedWebhookVerifier.Builder b = TimestampedWebhookVerifier.builder("HOOK_SECRET", Optional::empty)
                .timeSource(FakeTime.create()).tolerance(Duration.ofMinutes(1)).header("Sig").previous(Optional::empty);
        assertThatThrownBy(() -> b.timeSource(TimeSource.system())).hasMessage("timeSource: already set");
        assertThatThrownBy(() -> b.tolerance(Duration.ofMinutes(2))).hasMessage("tolerance: already set");
        assertThatThrownBy(() -> b.header("Other")).hasMessage("header: already set");
        assertThatThrownBy(() -> b.previous(Optional::empty)).hasMessage("previous: already set");
    }

    @Test
    void theInternalFactoryRefusesWhatTheBuilderRefuses() {
        assertThatThrownBy(() -> DefaultTokenVerifier.create(List.of(), TimeSource.system(), 4096,
                JwksSettings.defaults(), List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("issuer: none");
        assertThatThrownBy(() -> DefaultTokenVerifier.create(List.of(policy(), policy()), TimeSource.system(), 4096,
                JwksSettings.defaults(), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("issuer: added twice");
        assertThatThrownBy(() -> DefaultTokenVerifier.create(List.of(policy()), TimeSource.system(), 10,
                JwksSettings.defaults(), List.of())).hasMessage("maxTokenBytes: 10 (expected: 1024 to 1048576)");
        assertThatThrownBy(() -> DefaultTokenVerifier.create(List.of(policy()), null, 4096,
                JwksSettings.defaults(), List.of())).hasMessage("timeSource: null");
        assertThat(DefaultTokenVerifier.class.getConstructors()).isEmpty();
    }

    @Test
    void corsAndVerifiedTokenOptionsAreSetOnce() {
        CorsPolicy.Builder cors = CorsPolicy.builder(dev.hardening.config.AppEnvironment.PRODUCTION)
                .allowOrigins("https://app.example").allowOrigins("https://admin.example")
                .allowMethods("GET").allowHeaders("Authorization").exposeHeaders("ETag")
                .allowCredentials(true).maxAge(Duration.ofMinutes(10));
        assertThatThrownBy(() -> cors.allowMethods("POST")).hasMessage("methods: already set");
        assertThatThrownBy(() -> cors.allowHeaders("X-Other")).hasMessage("headers: already set");
        assertThatThrownBy(() -> cors.exposeHeaders("X-Other")).hasMessage("exposedHeaders: already set");
        assertThatThrownBy(() -> cors.allowCredentials(false)).hasMessage("credentials: already set");
        assertThatThrownBy(() -> cors.maxAge(Duration.ZERO)).hasMessage("maxAge: already set");
        assertThat(cors.build()).isNotNull();

        VerifiedToken.Builder token = VerifiedToken.builder().subject("alice").keyId(null);
        assertThatThrownBy(() -> token.subject("mallory")).hasMessage("subject: already set");
        assertThatThrownBy(() -> token.keyId("k1")).hasMessage("keyId: already set");
    }
}
