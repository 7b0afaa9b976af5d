package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardeningConfigTest {

    static final String STRONG = "q3Jx1wP0mV8sYd2Zk7Lr9tBc4Nf6Hg5Ua0Ee1Oi2Xw=";
    static final String STRONG2 = "Zr7Vt2Qm9Kp4Wx1Ys8Lb3Nd6Fh0Jc5Gg2Ea7Ui9Oo4=";

    enum Level { LOW, HIGH_PRIORITY }

    record Basic(
            @DefaultValue("8080") @Range(min = 0, max = 65535) int port,
            @DefaultValue("127.0.0.1") String bindAddress,
            @DefaultValue("false") boolean verbose,
            @DefaultValue("30s") @DurationRange(min = "1s", max = "1h") Duration timeout,
            @DefaultValue("low") Level level,
            @DefaultValue("a,b") List<String> tags,
            Optional<URI> issuer,
            @SecretSetting(purpose = SecretPurpose.HMAC_KEY) Secret secretKey) {
    }

    record Oidc(URI issuer, @DefaultValue("api") String audience) {
    }

    record WithNested(AppEnvironment env, Oidc oidc, @DefaultValue("1") long replicas) {
    }

    record CrossField(@DefaultValue("1") int min, @DefaultValue("2") int max) {
        CrossField {
            if (min > max) {
                throw new IllegalArgumentException("MIN (" + min + ") must not exceed MAX (" + max + ")");
            }
        }
    }

    record DevSecret(@SecretSetting(purpose = SecretPurpose.HMAC_KEY, generateInDev = true) Secret secretKey,
                     @DevDefault("0s") @DefaultValue("5s") Duration shutdownDelay) {
    }

    record TwoSecrets(Secret apiToken, Secret webhookSecret) {
    }

    @TempDir
    Path dir;

    private HardeningConfig.Builder config(Map<String, String> env) {
        return HardeningConfig.builder().environment(env).devSecretsDirectory(dir.resolve("dev"));
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<String> codes(ConfigException e) {
        return e.problems().stream().map(p -> p.code().id() + " " + p.variable()).collect(Collectors.toList());
    }

    private ConfigException failure(Class<? extends Record> type, HardeningConfig config) {
        try {
            config.bind(type);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void bindsEveryTypeFromExactNamesAndDefaults() {
        BoundConfig<Basic> b = config(env("PORT", "9090", "VERBOSE", "yes", "TIMEOUT", "1m30s", "LEVEL", "high-priority",
                "TAGS", "x, y\\,z ,w", "ISSUER", "https://idp.test/realms/a", "SECRET_KEY", STRONG)).build().bind(Basic.class);
        Basic s = b.settings();
        assertThat(s.port()).isEqualTo(9090);
        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.verbose()).isTrue();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.level()).isEqualTo(Level.HIGH_PRIORITY);
        assertThat(s.tags()).containsExactly("x", "y,z", "w");
        assertThat(s.issuer()).contains(URI.create("https://idp.test/realms/a"));
        assertThat(s.secretKey().reveal()).isEqualTo(STRONG);
        assertThat(b.environment()).isEqualTo(AppEnvironment.PRODUCTION);
        assertThat(s.toString()).doesNotContain(STRONG);
        assertThat(b.describe()).contains("PORT", "environment variable PORT", "9090", "SECRET_KEY", "43 chars", "x,y\\,z,w")
                .doesNotContain(STRONG);
    }

    @Test
    void isoDurationsAndMillisecondsParse() {
        Basic s = config(env("TIMEOUT", "PT2S", "SECRET_KEY", STRONG)).build().bind(Basic.class).settings();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        s = config(env("TIMEOUT", "1500ms", "SECRET_KEY", STRONG)).build().bind(Basic.class).settings();
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void precedenceIsSystemPropertyThenEnvironmentThenDotenvThenDefault() throws IOException {
        Path dotenv = dir.resolve(".env");
        Files.writeString(dotenv, "PORT=7000\nBIND_ADDRESS=10.0.0.1\nVERBOSE=true\n");
        HardeningConfig c = config(env("PORT", "8000", "BIND_ADDRESS", "0.0.0.0", "SECRET_KEY", STRONG))
                .systemProperties(Map.of("PORT", "9000")).dotenvFile(dotenv).build();
        BoundConfig<Basic> b = c.bind(Basic.class);
        assertThat(b.settings().port()).isEqualTo(9000);
        assertThat(b.settings().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(b.settings().verbose()).isTrue();
        assertThat(b.settings().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.describe()).contains("system property PORT", ".env file " + dotenv + " line 3");
        assertThat(b.findings()).anyMatch(f -> f.id().equals("HC-C002") && f.status() == FindingStatus.WARN);
    }

    @Test
    void nestedRecordsAddTheirNameAndAppEnvironmentIsInjected() {
        BoundConfig<WithNested> b = config(env("APP_ENV", "test", "OIDC_ISSUER", "https://idp.test")).build().bind(WithNested.class);
        assertThat(b.settings().oidc().issuer()).isEqualTo(URI.create("https://idp.test"));
        assertThat(b.settings().oidc().audience()).isEqualTo("api");
        assertThat(b.settings().env()).isEqualTo(AppEnvironment.TEST);
        assertThat(b.settings().replicas()).isEqualTo(1L);
    }

    @Test
    void prefixDerivesNamesAndRejectsUnknownVariablesWithSuggestion() {
        HardeningConfig c = config(env("SVC_OIDC_ISSUER", "https://idp.test", "SVC_OIDC_AUDEINCE", "x", "SVC_TOTALLY_ELSE", "1",
                "PATH", "/usr/bin")).prefix("SVC_").build();
        ConfigException e = failure(WithNested.class, c);
        assertThat(codes(e)).containsExactly("HC-E005 SVC_OIDC_AUDEINCE", "HC-E005 SVC_TOTALLY_ELSE");
        assertThat(e.problems().get(0).message()).contains("did you mean SVC_OIDC_AUDIENCE?");
        assertThat(e.problems().get(1).message()).doesNotContain("did you mean");
    }

    @Test
    void withoutPrefixNearMissesAreWarningsAndHintsForMissingSettings() {
        ConfigException e = failure(Basic.class, config(env("SECRET_KYE", STRONG, "PATH", "/bin", "HOME", "/root")).build());
        assertThat(codes(e)).containsExactly("HC-E001 SECRET_KEY");
        assertThat(e.problems().get(0).fix()).contains("SECRET_KYE is set: a typo?");
        assertThat(e.getMessage()).doesNotContain(STRONG);

        BoundConfig<Basic> b = config(env("SECRET_KEY", STRONG, "PROT", "1", "PATH", "/bin")).build().bind(Basic.class);
        assertThat(b.findings()).filteredOn(f -> f.id().equals("HC-C001"))
                .extracting(Finding::subject).containsExactly("PROT");
    }

    /** An application value type, bound through its public static parse method. */
    public static final class Quota {
        final int perMinute;

        private Quota(int perMinute) {
            this.perMinute = perMinute;
        }

        public static Quota parse(String text) {
            if (!text.endsWith("/m")) {
                throw new IllegalArgumentException("expected N/m, such as 100/m");
            }
            return new Quota(Integer.parseInt(text.substring(0, text.length() - 2)));
        }
    }

    @Test
    void applicationTypesBindThroughTheirParseMethodAndReportItsMessage() {
        record WithQuota(@DefaultValue("10/m") Quota quota, @DefaultValue("1/m,2/m") List<Quota> more) {
        }
        BoundConfig<WithQuota> b = config(env("QUOTA", "100/m")).build().bind(WithQuota.class);
        assertThat(b.settings().quota().perMinute).isEqualTo(100);
        assertThat(b.settings().more()).extracting(q -> q.perMinute).containsExactly(1, 2);
        ConfigException e = failure(WithQuota.class, config(env("QUOTA", "100/s", "MORE", "1/m,x")).build());
        assertThat(codes(e)).containsExactly("HC-E002 QUOTA", "HC-E002 MORE");
        assertThat(e.problems().get(0).message()).isEqualTo("\"100/s\" is not a valid Quota: expected N/m, such as 100/m");
        assertThat(e.problems().get(1).message()).startsWith("list item 2: \"x\" is not a valid Quota");
    }

    @Test
    void typoHintNeverPointsAtAnotherDeclaredSetting() {
        ConfigException e = failure(TwoSecrets.class, config(env("API_TOKENS", "x")).build());
        assertThat(e.problems()).filteredOn(p -> p.variable().equals("API_TOKEN"))
                .singleElement().satisfies(p -> assertThat(p.fix()).contains("API_TOKENS is set: a typo?"));
        record Pair(Optional<String> apiToken, String apiTokens) {
        }
        ConfigException pair = failure(Pair.class, config(env("API_TOKEN", "set")).build());
        assertThat(pair.problems()).singleElement().satisfies(p -> {
            assertThat(p.variable()).isEqualTo("API_TOKENS");
            assertThat(p.fix()).doesNotContain("typo");
        });
    }

    @Test
    void reportsMalformedValuesAsOneClearLineEach() {
        ConfigException e = failure(Basic.class, config(env("PORT", "70000", "TIMEOUT", "5 minutes", "ISSUER", "idp.test/path",
                "TAGS", "a,,b", "LEVEL", "medium", "VERBOSE", "maybe", "SECRET_KEY", STRONG)).build());
        assertThat(codes(e)).containsExactly("HC-E003 PORT", "HC-E002 VERBOSE", "HC-E002 TIMEOUT", "HC-E002 LEVEL",
                "HC-E002 TAGS", "HC-E002 ISSUER");
        String m = e.getMessage();
        assertThat(m).contains("70000 is outside 0..65535", "\"5 minutes\" is not a duration", "list item 2 of 3 is empty",
                "not one of low, high_priority", "\"maybe\" is not a boolean", "has no scheme");
        assertThat(m.lines().count()).isEqualTo(7);
        assertThat(m).doesNotContain("Exception", "\tat ");
    }

    @Test
    void durationBoundsAreEnforced() {
        ConfigException e = failure(Basic.class, config(env("TIMEOUT", "2h", "SECRET_KEY", STRONG)).build());
        assertThat(e.problems().get(0).message()).contains("2h is outside 1s..1h");
    }

    @Test
    void crossFieldRejectionsFromTheRecordConstructorAreCollected() {
        ConfigException e = failure(CrossField.class, config(env("MIN", "5", "MAX", "3")).build());
        assertThat(codes(e)).containsExactly("HC-E007 CrossField");
        assertThat(e.problems().get(0).message()).isEqualTo("MIN (5) must not exceed MAX (3)");
    }

    @Test
    void secretFromFileStripsOneTrailingNewline() throws IOException {
        Path f = dir.resolve("key");
        Files.writeString(f, STRONG + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        BoundConfig<Basic> b = config(env("SECRET_KEY_FILE", f.toString())).build().bind(Basic.class);
        assertThat(b.settings().secretKey().reveal()).isEqualTo(STRONG);
        assertThat(b.describe()).contains("file " + f + " (SECRET_KEY_FILE)");
        assertThat(b.findings()).noneMatch(x -> x.id().equals("HC-S003"));

        Files.writeString(f, STRONG + "\r\n");
        assertThat(config(env("SECRET_KEY_FILE", f.toString())).build().bind(Basic.class).settings().secretKey().reveal()).isEqualTo(STRONG);
        Files.writeString(f, STRONG + "\n\n");
        assertThat(config(env("SECRET_KEY_FILE", f.toString())).build().bind(Basic.class).settings().secretKey().reveal()).isEqualTo(STRONG + "\n");
    }

    @Test
    void groupReadableSecretFileIsWarnedAbout() throws IOException {
        Path f = dir.resolve("key");
        Files.writeString(f, STRONG);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        BoundConfig<Basic> b = config(env("SECRET_KEY_FILE", f.toString())).build().bind(Basic.class);
        assertThat(b.findings()).anyMatch(x -> x.id().equals("HC-S003") && x.status() == FindingStatus.WARN
                && x.detail().contains(f.toString()) && !x.detail().contains(STRONG));
    }

    @Test
    void rejectsBadSecretFilesNamingThePathNotTheContent() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path nul = Files.write(dir.resolve("nul"), (STRONG + "\0x").getBytes(StandardCharsets.UTF_8));
        Path big = Files.writeString(dir.resolve("big"), STRONG.repeat(2000));
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'k', 'e', 'y', (byte) 0xe9, (byte) 0xff});
        Path directory = Files.createDirectory(dir.resolve("adir"));
        Path missing = dir.resolve("missing");
        Map<Path, String> expected = Map.of(empty, "is empty", nul, "contains a NUL byte", big, "larger than 65536 bytes",
                latin1, "not valid UTF-8", directory, "not a regular file", missing, "does not exist");
        for (Map.Entry<Path, String> c : expected.entrySet()) {
            ConfigException e = failure(Basic.class, config(env("SECRET_KEY_FILE", c.getKey().toString())).build());
            assertThat(codes(e)).containsExactly("HC-E006 SECRET_KEY");
            assertThat(e.getMessage()).contains(c.getKey().toString(), c.getValue()).doesNotContain(STRONG.substring(0, 8));
        }
    }

    @Test
    void valueAndFileBothSetIsAConflict() throws IOException {
        Path f = Files.writeString(dir.resolve("key"), STRONG);
        ConfigException e = failure(Basic.class, config(env("SECRET_KEY", STRONG2, "SECRET_KEY_FILE", f.toString())).build());
        assertThat(codes(e)).containsExactly("HC-E004 SECRET_KEY");
        assertThat(e.getMessage()).contains("SECRET_KEY and SECRET_KEY_FILE").doesNotContain(STRONG).doesNotContain(STRONG2);
    }

    @Test
    void emptyValueCountsAsUnset() {
        ConfigException e = failure(Basic.class, config(env("SECRET_KEY", "", "PORT", "")).build());
        assertThat(codes(e)).containsExactly("HC-E001 SECRET_KEY");
        assertThat(e.problems().get(0).source()).isEqualTo("environment variable SECRET_KEY (empty)");
    }

    @Test
    void weakSecretIsFailInProductionAndWarnInDev() {
        BoundConfig<Basic> prod = config(env("SECRET_KEY", "changeme")).build().bind(Basic.class);
        Finding f = prod.findings().stream().filter(x -> x.id().equals("HC-S001")).findFirst().orElseThrow();
        assertThat(f.status()).isEqualTo(FindingStatus.FAIL);
        assertThat(f.subject()).isEqualTo("SECRET_KEY");
        assertThat(f.detail()).contains("deny-list").doesNotContain("changeme");

        BoundConfig<Basic> dev = config(env("SECRET_KEY", "changeme", "APP_ENV", "dev")).build().bind(Basic.class);
        assertThat(dev.findings()).anyMatch(x -> x.id().equals("HC-S001") && x.status() == FindingStatus.WARN);
        assertThat(dev.findings()).anyMatch(x -> x.id().equals("HC-M001") && x.status() == FindingStatus.WARN
                && x.detail().contains("NOT FOR PRODUCTION"));
    }

    @Test
    void unknownAppEnvValuesAreProduction() {
        for (String v : new String[] {"staging", "self-hosted", "prod", "develop", "DEV ", "Test"}) {
            AppEnvironment expected = v.strip().equalsIgnoreCase("dev") ? AppEnvironment.DEV
                    : v.equalsIgnoreCase("test") ? AppEnvironment.TEST : AppEnvironment.PRODUCTION;
            assertThat(config(env("APP_ENV", v, "SECRET_KEY", STRONG)).build().bind(Basic.class).environment()).as(v).isEqualTo(expected);
        }
        assertThat(AppEnvironment.fromAppEnv(null)).isEqualTo(AppEnvironment.PRODUCTION);
        assertThat(AppEnvironment.fromAppEnv("")).isEqualTo(AppEnvironment.PRODUCTION);
    }

    @Test
    void devGeneratesASecretOnceAndReusesItProductionNever() throws IOException {
        BoundConfig<DevSecret> first = config(env("APP_ENV", "dev")).build().bind(DevSecret.class);
        BoundConfig<DevSecret> second = config(env("APP_ENV", "dev")).build().bind(DevSecret.class);
        assertThat(first.settings().secretKey().reveal()).isEqualTo(second.settings().secretKey().reveal());
        assertThat(first.settings().shutdownDelay()).isZero();
        Path stored = dir.resolve("dev").resolve("SECRET_KEY");
        assertThat(Files.getPosixFilePermissions(stored)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(stored.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(first.findings()).anyMatch(f -> f.id().equals("HC-S004"));
        assertThat(first.findings()).anyMatch(f -> f.id().equals("HC-S001") && f.status() == FindingStatus.PASS);

        ConfigException e = failure(DevSecret.class, config(env()).build());
        assertThat(codes(e)).containsExactly("HC-E001 SECRET_KEY");
        assertThatThrownBy(() -> DevSecretStore.forEnvironment(AppEnvironment.PRODUCTION, dir))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void productionKeepsTheProductionDefaultWhereADevDefaultExists() {
        BoundConfig<DevSecret> b = config(env("SECRET_KEY", STRONG)).build().bind(DevSecret.class);
        assertThat(b.settings().shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void previousValuesAreAcceptedForVerificationAndChecked() throws IOException {
        BoundConfig<Basic> b = config(env("SECRET_KEY", STRONG, "SECRET_KEY_PREVIOUS", STRONG2 + ",changeme")).build().bind(Basic.class);
        Secret s = b.settings().secretKey();
        assertThat(s.previous()).hasSize(2);
        assertThat(s.matchesAny(STRONG2)).isTrue();
        assertThat(s.matches(STRONG2)).isFalse();
        assertThat(b.findings()).anyMatch(f -> f.subject().equals("SECRET_KEY_PREVIOUS[2]") && f.status() == FindingStatus.FAIL);
        assertThat(b.findings()).anyMatch(f -> f.subject().equals("SECRET_KEY_PREVIOUS[1]") && f.status() == FindingStatus.PASS);

        Path file = Files.writeString(dir.resolve("prev"), STRONG2 + "\n");
        Secret fromFile = config(env("SECRET_KEY", STRONG, "SECRET_KEY_PREVIOUS_FILE", file.toString())).build()
                .bind(Basic.class).settings().secretKey();
        assertThat(fromFile.previous()).hasSize(1);
        assertThat(fromFile.matchesAny(STRONG2)).isTrue();
    }

    @Test
    void sameValueForTwoSecretsIsReported() {
        BoundConfig<TwoSecrets> b = config(env("API_TOKEN", STRONG, "WEBHOOK_SECRET", STRONG)).build().bind(TwoSecrets.class);
        assertThat(b.findings()).anyMatch(f -> f.id().equals("HC-S002") && f.status() == FindingStatus.FAIL
                && f.subject().equals("API_TOKEN,WEBHOOK_SECRET") && !f.detail().contains(STRONG));
    }

    @Test
    void dotenvKeysMustBeSettingsAndBadLinesAreReportedByNumber() throws IOException {
        Path dotenv = dir.resolve(".env");
        Files.writeString(dotenv, "# comment\nexport PORT=7000\nPORTT=1\nthis line is wrong\nBIND_ADDRESS=\"unterminated\n");
        ConfigException e = failure(Basic.class, config(env("SECRET_KEY", STRONG)).dotenvFile(dotenv).build());
        assertThat(codes(e)).containsExactly("HC-E008 .env", "HC-E008 .env", "HC-E005 PORTT");
        assertThat(e.getMessage()).contains("line 4: expected KEY=VALUE", "line 5: unterminated", "did you mean PORT?");
    }

    @Test
    void missingDotenvFileIsIgnored() {
        assertThat(config(env("SECRET_KEY", STRONG)).dotenvFile(dir.resolve("absent.env")).build().bind(Basic.class).settings().port())
                .isEqualTo(8080);
    }

    @Test
    void requiredInProductionIsOptionalOnlyInDevAndTest() {
        record Oidc2(@RequiredInProduction Optional<URI> oidcIssuer) {
        }
        assertThat(config(env("APP_ENV", "dev")).build().bind(Oidc2.class).settings().oidcIssuer()).isEmpty();
        assertThat(config(env("APP_ENV", "test")).build().bind(Oidc2.class).settings().oidcIssuer()).isEmpty();
        ConfigException e = failure(Oidc2.class, config(env("APP_ENV", "staging")).build());
        assertThat(codes(e)).containsExactly("HC-E001 OIDC_ISSUER");
        assertThat(e.problems().get(0).message()).isEqualTo("required setting (in production) is missing");
        assertThat(config(env("OIDC_ISSUER", "https://idp.test")).build().bind(Oidc2.class).settings().oidcIssuer())
                .contains(URI.create("https://idp.test"));
    }

    @Test
    void passwordsInStringUrlsAreHiddenInDescriptions() {
        record WithString(String redisUri) {
        }
        BoundConfig<WithString> b = config(env("REDIS_URI", "rediss://default:s3cr3tpw@cache:6380/0")).build().bind(WithString.class);
        assertThat(b.describe()).contains("rediss://***@cache:6380/0").doesNotContain("s3cr3tpw");
    }

    @Test
    void uriPasswordsAreHiddenInDescriptions() {
        record WithUri(URI databaseUrl) {
        }
        BoundConfig<WithUri> b = config(env("DATABASE_URL", "postgres://app:hunter2pass@db:5432/app")).build().bind(WithUri.class);
        assertThat(b.describe()).contains("postgres://***@db:5432/app").doesNotContain("hunter2pass");
    }

    @Test
    void declarationMistakesFailFastWithTheComponentNamed() {
        record BadType(Map<String, String> m) {
        }
        record BadRange(@Range(min = 1) String s) {
        }
        record SecretDefault(@DefaultValue("x") Secret s) {
        }
        assertThatThrownBy(() -> config(env()).build().bind(BadType.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BadType.m").hasMessageContaining("unsupported type");
        assertThatThrownBy(() -> config(env()).build().bind(BadRange.class)).hasMessageContaining("@Range applies to int and long");
        assertThatThrownBy(() -> config(env()).build().bind(SecretDefault.class)).hasMessageContaining("cannot have a default");
    }

    @Test
    void builderOptionsCanBeSetOnceAndEnvironmentIsRequired() {
        assertThatThrownBy(() -> HardeningConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("environment: not set");
        assertThatThrownBy(() -> HardeningConfig.builder().prefix("A_").prefix("B_")).hasMessage("prefix: already set");
        assertThatThrownBy(() -> HardeningConfig.builder().prefix("app")).isInstanceOf(IllegalArgumentException.class);
    }
}
