package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.auth.internal.DefaultTokenVerifier;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.testkit.FakeTime;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenVerifier.Builder#allowNoIssuer()}: a verifier with no trusted issuer that services build when
 * their configuration has none, so one boot still reports every problem.
 */
class NoIssuerVerifierTest {

    @Test
    void withoutTheOptInAVerifierWithNoIssuerIsNotBuilt() {
        assertThatThrownBy(() -> TokenVerifier.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("issuer: none");
    }

    @Test
    void aValidTokenIsRefusedAsFromAnUntrustedIssuer(@TempDir Path dir) {
        FakeTime clock = FakeTime.startingAt(Jwt.NOW);
        DevIssuer dev = DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, dir), "orders-api", clock);
        String token = dev.mint("alice", DevIssuer.DEFAULT_TTL);
        try (TokenVerifier trusting = TokenVerifier.builder().issuer(dev.policy().build()).timeSource(clock).build()) {
            assertThat(trusting.verify(token).subject()).as("the token itself is valid").isEqualTo("alice");
        }

        try (TokenVerifier none = TokenVerifier.builder().allowNoIssuer().timeSource(clock).build()) {
            assertThatThrownBy(() -> none.verify(token)).isInstanceOf(InvalidTokenException.class)
                    .satisfies(e -> assertThat(((InvalidTokenException) e).reason()).isEqualTo(RejectionReason.WRONG_ISSUER));
            assertThatThrownBy(() -> none.verify(TokenRequest.bearer(token))).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> none.verifyIdToken(token, "n-1")).isInstanceOf(InvalidTokenException.class);
            assertThat(none.status()).isEmpty();
            assertThat(none.warmUp()).succeedsWithin(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void itsReportNamesNoIssuerAndKeepsItsOtherLines() {
        try (TokenVerifier none = TokenVerifier.builder().allowNoIssuer().allowNoIssuer().build()) {
            assertThat(none.findings(AppEnvironment.PRODUCTION)).extracting(Finding::id)
                    .containsExactly(DefaultTokenVerifier.TOKEN_CACHE_FINDING);
            assertThat(none.findings(AppEnvironment.PRODUCTION)).extracting(Finding::status).containsOnly(FindingStatus.PASS);
        }
    }
}
