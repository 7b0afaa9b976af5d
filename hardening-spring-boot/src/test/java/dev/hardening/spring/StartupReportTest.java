package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.config.FindingStatus;
import dev.hardening.spring.autoconfigure.HardeningAuthAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningStartupAutoConfiguration;
import dev.hardening.spring.internal.StartupReportEnforcer;
import dev.hardening.spring.internal.StartupReportFailureAnalyzer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The auto-configurations switched on and backed off, and the startup report enforced. */
class StartupReportTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HardeningStartupAutoConfiguration.class, HardeningAuthAutoConfiguration.class));

    @Test
    void refusesToStartInProductionWithEveryProblemInOneReportAndExit78() {
        runner.withPropertyValues("spring.datasource.password=postgres", "management.endpoints.web.exposure.include=*",
                "server.address=127.0.0.1").run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable failure = ctx.getStartupFailure();
            StartupRefusedException refused = find(failure);
            assertThat(refused.getExitCode()).isEqualTo(78);
            assertThat(refused.report().lines()).extracting(l -> l.finding().id()).contains("HS-D001", "HS-D002");
            FailureAnalysis analysis = new StartupReportFailureAnalyzer().analyze(failure);
            assertThat(analysis.getDescription()).contains("HS-D001").contains("HS-D002")
                    .contains("spring.datasource.password").doesNotContain("postgres\n");
        });
    }

    @Test
    void aValueSpringCannotConvertIsALineOfTheReportNamingItsVariableNotAFailedBinding() {
        runner.withPropertyValues("server.address=127.0.0.1", "ALLOW_DEV_ON_NETWORK=perhaps",
                "hardening.allow-dev-on-network=${ALLOW_DEV_ON_NETWORK:false}",
                "hardening.lifecycle.drain-timeout=soon").run(ctx -> {
            assertThat(ctx).hasFailed();
            StartupRefusedException refused = find(ctx.getStartupFailure());
            assertThat(refused.report().lines()).filteredOn(l -> l.finding().id().equals("HC-E002"))
                    .extracting(l -> l.finding().subject() + ": " + l.finding().detail())
                    .containsExactlyInAnyOrder(
                            "ALLOW_DEV_ON_NETWORK: \"perhaps\" is not a boolean (environment variable ALLOW_DEV_ON_NETWORK)",
                            "hardening.lifecycle.drain-timeout: \"soon\" is not a duration "
                                    + "(property hardening.lifecycle.drain-timeout)");
        });
    }

    @Test
    void theModeLineIsPrintedOnceHoweverManySecretsAreBound() {
        runner.withConfiguration(AutoConfigurations.of(dev.hardening.spring.autoconfigure.HardeningSecretsAutoConfiguration.class))
                .withPropertyValues("server.address=127.0.0.1", "hardening.environment=test",
                        "hardening.required-secrets=SECRET_KEY,OTHER_KEY", "SECRET_KEY=" + "k".repeat(8) + "Zq3v9B1xLm7Qp2Wc8Rt5Yh0Nd4Fs6Ju",
                        "OTHER_KEY=Xq3v9B1xLm7Qp2Wc8Rt5Yh0Nd4Fs6JuAb1Cd2Ef3Gh4").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                            .filteredOn(l -> l.finding().id().equals("HC-M001")).hasSize(1);
                });
    }

    @Test
    void aDatedSilenceAcceptsAFinding() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=*", "server.address=127.0.0.1",
                "SILENCE_HS_D002=2999-12-31 metrics scraped over the mesh only").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                    .filteredOn(l -> l.finding().id().equals("HS-D002")).singleElement()
                    .satisfies(l -> assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.PASS));
        });
    }

    @Test
    void aSilenceWithoutAReasonIsAConfigurationError() {
        runner.withPropertyValues("server.address=127.0.0.1", "SILENCE_HS_D002=2999-12-31").run(ctx ->
                assertThat(find(ctx.getStartupFailure()).report().lines()).anySatisfy(l ->
                        assertThat(l.finding().id()).startsWith("HC-E")));
    }

    @Test
    void noIssuerMeansNoVerifierAndNoDecoder() {
        runner.withPropertyValues("server.address=127.0.0.1").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(TokenVerifier.class).doesNotHaveBean(JwtDecoder.class);
        });
    }

    @Test
    void springsOwnResourceServerPropertiesConfigureTheVerifier() {
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:9/issuer",
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks",
                "spring.security.oauth2.resourceserver.jwt.audiences=orders-api").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(TokenVerifier.class).status()).singleElement().asString().contains("127.0.0.1:9/issuer");
            assertThat(ctx.getBean(JwtDecoder.class)).isInstanceOf(HardeningJwtDecoder.class);
        });
    }

    @Test
    void backsOffForTheApplicationsOwnDecoder() {
        JwtDecoder mine = token -> { throw new UnsupportedOperationException(); };
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "hardening.auth.issuers[0].issuer-uri=http://127.0.0.1:9/issuer",
                "hardening.auth.issuers[0].jwk-set-uri=http://127.0.0.1:9/jwks",
                "hardening.auth.issuers[0].audiences=orders-api")
                .withBean("myDecoder", JwtDecoder.class, () -> mine).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(JwtDecoder.class)).isSameAs(mine);
                });
    }

    @Test
    void backsOffForTheApplicationsOwnVerifierAndDecodesWithIt() {
        TokenVerifier mine = TokenVerifier.builder().issuer(dev.hardening.auth.IssuerPolicy
                .jwksUri("http://127.0.0.1:9/mine", java.net.URI.create("http://127.0.0.1:9/jwks")).audience("a").build()).build();
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "hardening.auth.issuers[0].issuer-uri=http://127.0.0.1:9/issuer",
                "hardening.auth.issuers[0].audiences=orders-api")
                .withBean(TokenVerifier.class, () -> mine).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(TokenVerifier.class)).isSameAs(mine);
                    assertThat(ctx.getBean(JwtDecoder.class)).isInstanceOf(HardeningJwtDecoder.class);
                });
    }

    @Test
    void unusableIssuersAreFailLinesOfTheOneReportWithEveryOtherProblem() {
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "spring.datasource.password=postgres",
                "hardening.auth.issuers[0].issuer-uri=http://127.0.0.1:9/issuer",
                "hardening.auth.issuers[1].issuer-uri=http://127.0.0.1:9/other",
                "hardening.auth.issuers[1].audiences=orders-api",
                "hardening.auth.issuers[1].token-type=id-token").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    StartupRefusedException refused = find(ctx.getStartupFailure());
                    assertThat(refused.report().lines()).filteredOn(l -> l.finding().id().startsWith("HC-E"))
                            .extracting(l -> l.finding().id() + " " + l.finding().subject() + ": " + l.finding().detail())
                            .containsExactlyInAnyOrder(
                                    "HC-E001 hardening.auth.issuers[0].audiences: required setting is missing "
                                            + "(property hardening.auth.issuers[0].audiences)",
                                    "HC-E002 hardening.auth.issuers[1].token-type: \"id-token\" is not one of any, at+jwt "
                                            + "(property hardening.auth.issuers[1].token-type)");
                    assertThat(refused.report().lines()).extracting(l -> l.finding().id()).contains("HS-D001");
                    assertThat(refused.report().lines()).as("no issuer line: with none usable the verifier trusts none")
                            .extracting(l -> l.finding().id()).doesNotContain("HA-A001", "HA-A002", "HA-A003")
                            .contains("HA-A005");
                });
    }

    @Test
    void issuerLinesNameTheVariableAPropertyWasMappedFromAndTheTokenTypeInForce() {
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "OIDC_TOKEN_TYPE=at+jwt",
                "hardening.auth.issuers[0].issuer-uri=http://127.0.0.1:9/issuer",
                "hardening.auth.issuers[0].audiences=orders-api",
                "hardening.auth.issuers[0].token-type=${OIDC_TOKEN_TYPE:any}").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                            .filteredOn(l -> l.finding().id().equals(HardeningAuthAutoConfiguration.TOKEN_TYPE_ID))
                            .singleElement().satisfies(l -> {
                                assertThat(l.finding().status()).isEqualTo(FindingStatus.PASS);
                                assertThat(l.finding().subject()).isEqualTo("OIDC_TOKEN_TYPE");
                                assertThat(l.finding().detail()).startsWith("at+jwt: only RFC 9068 access tokens");
                            });
                });
        runner.withPropertyValues("hardening.environment=test", "server.address=127.0.0.1",
                "OIDC_TOKEN_TYPE=bogus", "OIDC_CLIENT_SECRET=introspection-client-secret",
                "hardening.auth.issuers[0].issuer-uri=http://127.0.0.1:9/issuer",
                "hardening.auth.issuers[0].audiences=orders-api",
                "hardening.auth.issuers[0].token-type=${OIDC_TOKEN_TYPE:any}",
                "hardening.auth.issuers[1].issuer-uri=http://127.0.0.1:9/other",
                "hardening.auth.issuers[1].audiences=orders-api",
                "hardening.auth.issuers[1].introspection.uri=http://127.0.0.1:9/introspect",
                "hardening.auth.issuers[1].introspection.client-id=${OIDC_CLIENT_ID:}",
                "hardening.auth.issuers[1].introspection.client-secret=${OIDC_CLIENT_SECRET:}").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    StartupRefusedException refused = find(ctx.getStartupFailure());
                    assertThat(refused.report().lines()).filteredOn(l -> l.finding().id().startsWith("HC-E"))
                            .extracting(l -> l.finding().id() + " " + l.finding().subject() + ": " + l.finding().detail())
                            .containsExactlyInAnyOrder(
                                    "HC-E002 OIDC_TOKEN_TYPE: \"bogus\" is not one of any, at+jwt "
                                            + "(environment variable OIDC_TOKEN_TYPE)",
                                    "HC-E001 OIDC_CLIENT_ID: required setting (with introspection) is missing (not set)");
                    assertThat(refused.report().renderTable()).doesNotContain("introspection-client-secret");
                });
    }

    private static StartupRefusedException find(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof StartupRefusedException) {
                return (StartupRefusedException) x;
            }
        }
        throw new AssertionError("no StartupRefusedException in " + t);
    }
}
