package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Each rule of the deploy check, on its own, in production and in dev. */
class SpringDeployCheckTest {

    private static final ClassLoader CL = SpringDeployCheckTest.class.getClassLoader();

    /** The deploy rules' lines: without the dev-mode binding line (HC-M002), which every run has. */
    static List<Finding> check(MockEnvironment env, AppEnvironment mode) {
        return SpringDeployCheck.of(env, false, CL).findings(mode).stream().filter(f -> !f.id().equals("HC-M002")).toList();
    }

    static Finding devModeLine(MockEnvironment env, boolean allowed, AppEnvironment mode) {
        return SpringDeployCheck.of(env, allowed, CL).findings(mode).stream().filter(f -> f.id().equals("HC-M002"))
                .findFirst().orElseThrow();
    }

    static MockEnvironment loopback() {
        return new MockEnvironment().withProperty("server.address", "127.0.0.1");
    }

    @Test
    void passesACleanConfiguration() {
        List<Finding> f = check(loopback(), AppEnvironment.PRODUCTION);
        assertThat(f).extracting(Finding::id).containsExactly("HS-D000");
        assertThat(f.get(0).status()).isEqualTo(FindingStatus.PASS);
    }

    @Test
    void failsWeakSecretsInWellKnownPropertiesWithoutPrintingThem() {
        MockEnvironment env = loopback().withProperty("spring.datasource.password", "postgres")
                .withProperty("spring.data.redis.password", "changeme")
                .withProperty("spring.rabbitmq.password", "Zk3q9vB1xLm7Qp2Wc8Rt5Yh0Nd4Fs6Ju");
        List<Finding> f = check(env, AppEnvironment.PRODUCTION);
        assertThat(f).extracting(Finding::subject).containsExactly("spring.datasource.password", "spring.data.redis.password");
        assertThat(f).allSatisfy(x -> {
            assertThat(x.id()).isEqualTo("HS-D001");
            assertThat(x.status()).isEqualTo(FindingStatus.FAIL);
            assertThat(x.detail()).doesNotContain("postgres").doesNotContain("changeme");
        });
        assertThat(check(env, AppEnvironment.DEV)).filteredOn(x -> x.id().equals("HS-D001"))
                .extracting(Finding::status).containsOnly(FindingStatus.WARN);
    }

    @Test
    void failsActuatorEndpointsExposedBeyondHealthAndInfo() {
        assertThat(check(loopback().withProperty("management.endpoints.web.exposure.include", "*"), AppEnvironment.PRODUCTION))
                .extracting(Finding::id).containsExactly("HS-D002");
        assertThat(check(loopback().withProperty("management.endpoints.web.exposure.include", "health,info,metrics"),
                AppEnvironment.PRODUCTION)).singleElement().satisfies(x -> assertThat(x.detail()).endsWith("metrics"));
        assertThat(check(loopback().withProperty("management.endpoints.web.exposure.include", "health,info"),
                AppEnvironment.PRODUCTION)).extracting(Finding::id).containsExactly("HS-D000");
    }

    @Test
    void acceptsThePrometheusEndpointButNotTheJsonMetricsOrEnvironmentBesideIt() {
        assertThat(check(loopback().withProperty("management.endpoints.web.exposure.include", "prometheus"),
                AppEnvironment.PRODUCTION)).extracting(Finding::id).containsExactly("HS-D000");
        assertThat(check(loopback().withProperty("management.endpoints.web.exposure.include", "health,prometheus,env"),
                AppEnvironment.PRODUCTION)).singleElement().satisfies(x -> {
                    assertThat(x.id()).isEqualTo("HS-D002");
                    assertThat(x.detail()).endsWith(": env");
                });
    }

    @Test
    void failsErrorPagesThatRevealStackTracesOrMessages() {
        MockEnvironment env = loopback().withProperty("server.error.include-stacktrace", "always")
                .withProperty("server.error.include-message", "ALWAYS");
        assertThat(check(env, AppEnvironment.PRODUCTION)).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo("HS-D003");
            assertThat(x.detail()).contains("include-stacktrace=always").contains("include-message=always");
        });
        assertThat(check(loopback().withProperty("server.error.include-stacktrace", "never"), AppEnvironment.PRODUCTION))
                .extracting(Finding::id).containsExactly("HS-D000");
    }

    @Test
    void failsTheH2Console() {
        assertThat(check(loopback().withProperty("spring.h2.console.enabled", "true"), AppEnvironment.PRODUCTION))
                .extracting(Finding::id).containsExactly("HS-D004");
    }

    @Test
    void failsWildcardCorsOrigins() {
        assertThat(check(loopback().withProperty("management.endpoints.web.cors.allowed-origins", "https://a.example,*"),
                AppEnvironment.PRODUCTION)).extracting(Finding::id).containsExactly("HS-D007");
        assertThat(check(loopback().withProperty("app.cors.allowed-origins[0]", "*"), AppEnvironment.PRODUCTION))
                .extracting(Finding::subject).containsExactly("app.cors.allowed-origins");
    }

    @Test
    void devModeOnANetworkAddressIsHardeningConfigsRuleFailedUnlessAllowed() {
        Finding unset = devModeLine(new MockEnvironment(), false, AppEnvironment.DEV);
        assertThat(unset.status()).isEqualTo(FindingStatus.FAIL);
        assertThat(unset.subject()).isEqualTo("server.address");
        assertThat(unset.detail()).contains("0.0.0.0");
        assertThat(unset.fix()).contains("hardening.allow-dev-on-network=true");
        assertThat(devModeLine(new MockEnvironment().withProperty("server.address", "0.0.0.0"), false, AppEnvironment.TEST)
                .status()).isEqualTo(FindingStatus.FAIL);
        assertThat(devModeLine(new MockEnvironment().withProperty("server.address", "0.0.0.0"), true, AppEnvironment.DEV)
                .status()).isEqualTo(FindingStatus.WARN);
        assertThat(devModeLine(loopback(), false, AppEnvironment.DEV).status()).isEqualTo(FindingStatus.PASS);
        assertThat(devModeLine(new MockEnvironment(), false, AppEnvironment.PRODUCTION).status()).isEqualTo(FindingStatus.PASS);
        assertThat(check(new MockEnvironment(), AppEnvironment.DEV)).extracting(Finding::id).containsExactly("HS-D000");
    }

    @Test
    void namesTheVariablesTheAddressAndPortWereMappedFrom() {
        MockEnvironment env = new MockEnvironment();
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("application.yml", java.util.Map.of(
                "server.address", "${BIND_ADDRESS:127.0.0.1}", "server.port", "${PORT:8080}",
                "hardening.allow-dev-on-network", "${ALLOW_DEV_ON_NETWORK:false}")));
        env.setProperty("BIND_ADDRESS", "0.0.0.0");
        env.setProperty("PORT", "70000");
        List<Finding> all = SpringDeployCheck.of(env, false, CL).findings(AppEnvironment.DEV);
        assertThat(all).filteredOn(f -> f.id().equals("HC-M002")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
            assertThat(f.subject()).isEqualTo("BIND_ADDRESS");
            assertThat(f.fix()).contains("ALLOW_DEV_ON_NETWORK=true");
        });
        assertThat(all).filteredOn(f -> f.id().equals("HC-E003")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
            assertThat(f.subject()).isEqualTo("PORT");
            assertThat(f.detail()).isEqualTo("70000 is outside 0..65535 (environment variable PORT)");
        });
    }

    @Test
    void aPortWithinRangeOrUnsetIsNoFinding() {
        assertThat(check(loopback().withProperty("server.port", "0"), AppEnvironment.PRODUCTION)).extracting(Finding::id)
                .containsExactly("HS-D000");
        assertThat(check(loopback().withProperty("server.port", "65536"), AppEnvironment.PRODUCTION)).extracting(Finding::id)
                .containsExactly("HS-D000", "HC-E003");
        assertThat(check(loopback().withProperty("server.port", "-1"), AppEnvironment.PRODUCTION)).extracting(Finding::subject)
                .containsExactly("spring", "server.port");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.security.user.password", "password")
                .withProperty("management.endpoints.web.exposure.include", "*")
                .withProperty("server.error.include-stacktrace", "always")
                .withProperty("spring.h2.console.enabled", "true")
                .withProperty("management.endpoints.web.cors.allowed-origins", "*");
        assertThat(check(env, AppEnvironment.DEV)).extracting(Finding::id)
                .containsExactly("HS-D001", "HS-D002", "HS-D003", "HS-D004", "HS-D007");
        assertThat(devModeLine(env, false, AppEnvironment.DEV).status()).isEqualTo(FindingStatus.FAIL);
    }
}
