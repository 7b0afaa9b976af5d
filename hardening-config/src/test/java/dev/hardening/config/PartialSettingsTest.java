package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigException#partialSettings(Class)}: the settings as far as they bound, so that the
 * components' findings join the configuration errors in one report.
 */
class PartialSettingsTest {

    record Oidc(@RequiredInProduction Optional<URI> issuer, @DefaultValue("any") String tokenType) {
    }

    record Settings(@DefaultValue("8080") @Range(min = 0, max = 65535) int port,
                    @DefaultValue("false") boolean allowDevOnNetwork,
                    int workers,
                    @SecretSetting(purpose = SecretPurpose.HMAC_KEY) Secret secretKey,
                    Optional<String> redisUri,
                    @DevDefault("0s") @DefaultValue("5s") Duration shutdownDelay,
                    Oidc oidc) {
    }

    /** A record whose constructor refuses what the fallback gives it. */
    record Strict(@Range(min = 1, max = 10) int threads) {
        Strict {
            if (threads == 0) {
                throw new IllegalArgumentException("threads: 0");
            }
        }
    }

    record Other(Optional<String> name) {
    }

    @TempDir
    Path dir;

    private ConfigException bindFailure(Class<? extends Record> type, Map<String, String> env) {
        try {
            HardeningConfig.builder().environment(env).devSecretsDirectory(dir).build().bind(type);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void failedSettingsFallBackToTheirDefaultsAndTheOthersKeepTheirValues() {
        ConfigException e = bindFailure(Settings.class, Map.of("PORT", "70000", "ALLOW_DEV_ON_NETWORK", "perhaps",
                "WORKERS", "many", "REDIS_URI", "redis://cache:6379", "SHUTDOWN_DELAY", "2s"));

        assertThat(e.problems()).extracting(p -> p.code().id() + " " + p.variable()).containsExactly(
                "HC-E003 PORT", "HC-E002 ALLOW_DEV_ON_NETWORK", "HC-E002 WORKERS", "HC-E001 SECRET_KEY", "HC-E001 OIDC_ISSUER");
        Settings s = e.partialSettings(Settings.class).orElseThrow();
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.allowDevOnNetwork()).isFalse();
        assertThat(s.workers()).isZero();
        assertThat(s.secretKey()).isNull();
        assertThat(s.redisUri()).contains("redis://cache:6379");
        assertThat(s.shutdownDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.oidc().issuer()).isEmpty();
        assertThat(s.oidc().tokenType()).isEqualTo("any");
    }

    @Test
    void theDevDefaultIsTheFallbackOutsideProduction() {
        ConfigException e = bindFailure(Settings.class, Map.of("APP_ENV", "dev", "SHUTDOWN_DELAY", "soon"));

        assertThat(e.environment()).isEqualTo(AppEnvironment.DEV);
        assertThat(e.partialSettings(Settings.class).orElseThrow().shutdownDelay()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aWeakSecretStillBindsSoItsFindingAndTheComponentsJoinTheMissingSettings() {
        ConfigException e = bindFailure(Settings.class, Map.of("SECRET_KEY", "changeme", "WORKERS", "4"));

        assertThat(e.problems()).extracting(ConfigProblem::variable).containsExactly("OIDC_ISSUER");
        Settings s = e.partialSettings(Settings.class).orElseThrow();
        assertThat(s.secretKey()).isNotNull();
        assertThat(s.workers()).isEqualTo(4);

        StartupReport report = StartupReport.builder(e)
                .check(env -> List.of(Finding.fail("HR-B001", "rate limit", "REDIS_URI",
                        s.redisUri().isPresent() ? "shared" : "in memory in production", "set REDIS_URI")))
                .timeSource(ManualTime.at("2026-11-24T10:00:00Z"))
                .build();
        assertThat(report.lines()).extracting(l -> l.effectiveStatus() + " " + l.finding().key()).containsExactly(
                "FAIL HC-E001:OIDC_ISSUER", "PASS HC-M001:APP_ENV", "FAIL HC-S001:SECRET_KEY", "FAIL HR-B001:REDIS_URI");
        assertThatThrownBy(report::enforce).isInstanceOf(StartupCheckException.class);
    }

    @Test
    void anUnknownVariableLeavesEverySettingBound() {
        ConfigException e;
        try {
            HardeningConfig.builder().environment(Map.of("APP_NAME", "x", "APP_COLOUR", "red")).prefix("APP_").build()
                    .bind(Other.class);
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException thrown) {
            e = thrown;
        }
        assertThat(e.problems()).extracting(ConfigProblem::variable).containsExactly("APP_COLOUR");
        assertThat(e.partialSettings(Other.class)).contains(new Other(Optional.of("x")));
    }

    @Test
    void emptyWhenTheConstructorRefusesTheFallbackOrTheTypeIsAnother() {
        ConfigException e = bindFailure(Strict.class, Map.of("THREADS", "99"));

        assertThat(e.problems()).extracting(p -> p.code().id()).containsExactly("HC-E003");
        assertThat(e.partialSettings(Strict.class)).isEmpty();

        ConfigException other = bindFailure(Settings.class, Map.of());
        assertThat(other.partialSettings(Settings.class)).isPresent();
        assertThat(other.partialSettings(Other.class)).isEmpty();
        assertThat(new ConfigException(other.problems()).partialSettings(Settings.class)).isEmpty();
        assertThatThrownBy(() -> other.partialSettings(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void onlyARecordIsAcceptedAsPartialSettings() {
        ConfigException e = bindFailure(Settings.class, Map.of());
        assertThatThrownBy(() -> new ConfigException(e.problems(), AppEnvironment.PRODUCTION, List.of(), List.of(), "text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partialSettings: String is not a record (expected: the settings record, or null)");
    }
}
