package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain-http identity providers: the verifier builds, and the startup report judges the risk. */
class PlainHttpIssuerTest {

    private static Finding keysFinding(IssuerPolicy policy, AppEnvironment env) {
        try (TokenVerifier v = TokenVerifier.builder().issuer(policy).build()) {
            // One finding about the issuer's keys; the verified-token cache has its own (HA-A005).
            List<Finding> findings = v.findings(env).stream().filter(f -> !f.id().equals("HA-A005")).toList();
            assertThat(findings).hasSize(1);
            return findings.get(0);
        }
    }

    @Test
    void buildsWithAnHttpIssuerOffLoopback() {
        IssuerPolicy discovery = IssuerPolicy.discovery("http://idp.internal.example").audience("orders").build();
        IssuerPolicy jwks = IssuerPolicy.jwksUri("https://idp.example", URI.create("http://10.0.0.7/keys"))
                .audience("orders").build();
        assertThat(discovery.plainHttpUrl()).contains("http://idp.internal.example");
        assertThat(jwks.plainHttpUrl()).contains("http://10.0.0.7/keys");
        assertThat(IssuerPolicy.discovery("https://idp.example").audience("orders").build().usesPlainHttp()).isFalse();
    }

    @Test
    void plainHttpIsAWarningOutsideProductionOnAnyHost() {
        for (String issuer : List.of("http://localhost:8080", "http://idp.internal.example")) {
            Finding f = keysFinding(IssuerPolicy.discovery(issuer).audience("orders").build(), AppEnvironment.DEV);
            assertThat(f.id()).isEqualTo("HA-A002");
            assertThat(f.status()).isEqualTo(FindingStatus.WARN);
        }
    }

    @Test
    void plainHttpFailsInProductionWithAStableIdAndTheRiskNamed() {
        Finding f = keysFinding(IssuerPolicy.jwksUri("https://idp.example", URI.create("http://10.0.0.7/keys"))
                .audience("orders").build(), AppEnvironment.PRODUCTION);
        assertThat(f.id()).isEqualTo("HA-A002");
        assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
        assertThat(f.detail()).contains("http://10.0.0.7/keys").contains("unauthenticated channel")
                .contains("replace the keys");
        assertThat(f.fix()).contains("https").contains("HA-A002");
    }

    @Test
    void httpsIssuerPasses() {
        Finding f = keysFinding(IssuerPolicy.discovery("https://idp.example").audience("orders").build(),
                AppEnvironment.PRODUCTION);
        assertThat(f.id()).isEqualTo("HA-A003");
        assertThat(f.status()).isEqualTo(FindingStatus.PASS);
    }

    @Test
    void stillRefusesOtherSchemesAndUrlsWithCredentials() {
        assertThatThrownBy(() -> IssuerPolicy.discovery("ftp://idp.example"))
                .hasMessage("issuer: ftp://idp.example (expected: an https URL, or http with the HA-A002 finding)");
        assertThatThrownBy(() -> IssuerPolicy.jwksUri("iss", URI.create("http://user:pw@idp.example/keys")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pw@");
    }
}
