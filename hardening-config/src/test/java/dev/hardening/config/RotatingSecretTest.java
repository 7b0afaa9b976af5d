package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code *_FILE} secrets that follow their file, on a manual clock and a real temporary directory. */
class RotatingSecretTest {

    static final String FIRST = HardeningConfigTest.STRONG;
    static final String SECOND = HardeningConfigTest.STRONG2;
    static final String THIRD = "Wm4Xc8Rt1Yp6Lk3Jh9Gf2Ds7Aq5Zx0Cv8Bn4Mm1Pp6=";

    record Settings(@SecretSetting(purpose = SecretPurpose.HMAC_KEY) RotatingSecret webhookSecret) {
    }

    record OptionalSettings(Optional<RotatingSecret> webhookSecret) {
    }

    @TempDir
    Path dir;

    private final ManualTime time = ManualTime.at("2026-11-24T10:00:00Z");

    /** A Kubernetes secret volume: key -> ..data/key, ..data -> ..2026_N, swapped by an atomic rename. */
    private final class MountedSecret {
        private int version;

        Path mount(String value) throws IOException {
            publish(value);
            Path key = dir.resolve("webhook");
            Files.createSymbolicLink(key, Path.of("..data", "webhook"));
            return key;
        }

        void publish(String value) throws IOException {
            publishBytes((value + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void publishBytes(byte[] content) throws IOException {
            Path versionDir = Files.createDirectory(dir.resolve("..2026_" + (++version)));
            Files.write(versionDir.resolve("webhook"), content);
            Path tmp = dir.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, versionDir.getFileName());
            Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private <T extends Record> BoundConfig<T> bind(Class<T> type, AppEnvironment env, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("APP_ENV", env == AppEnvironment.PRODUCTION ? "production" : env.name().toLowerCase(java.util.Locale.ROOT));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return HardeningConfig.builder().environment(m).devSecretsDirectory(dir.resolve("dev")).timeSource(time).build().bind(type);
    }

    private static String value(RotatingSecret s) {
        return s.current().orElseThrow().reveal();
    }

    @Test
    void aKubernetesSymlinkSwapIsSeenWithinOneCheckInterval() throws IOException {
        MountedSecret volume = new MountedSecret();
        Path key = volume.mount(FIRST);
        RotatingSecret secret = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", key.toString())
                .settings().webhookSecret();
        assertThat(value(secret)).isEqualTo(FIRST);

        volume.publish(SECOND);
        time.advance(Duration.ofMillis(999));
        assertThat(value(secret)).as("not looked at again within the interval").isEqualTo(FIRST);
        time.advance(Duration.ofMillis(1));
        assertThat(value(secret)).isEqualTo(SECOND);
        assertThat(secret.problems()).isEmpty();
    }

    @Test
    void aVerifierGivenTheSupplierSeesTheNewValue() throws IOException {
        MountedSecret volume = new MountedSecret();
        RotatingSecret secret = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", volume.mount(FIRST).toString())
                .settings().webhookSecret();
        Supplier<Optional<Secret>> supplier = secret::current;
        volume.publish(SECOND);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(supplier.get()).hasValueSatisfying(s -> assertThat(s.matches(SECOND)).isTrue());
    }

    @Test
    void aBadNewFileKeepsTheLastGoodValueAndSaysWhyWithoutTheValue() throws IOException {
        MountedSecret volume = new MountedSecret();
        Path key = volume.mount(FIRST);
        BoundConfig<Settings> config = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", key.toString());
        RotatingSecret secret = config.settings().webhookSecret();

        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);                                                       // empty
        bad.add("abc\0def-long-enough-to-matter".getBytes(StandardCharsets.UTF_8)); // NUL
        bad.add(new byte[] {(byte) 0xC3, (byte) 0x28, 'a', 'b'});                   // not UTF-8
        bad.add("x".repeat(64 * 1024 + 1).getBytes(StandardCharsets.UTF_8));       // oversized
        bad.add("changeme-changeme-changeme-changeme\n".getBytes(StandardCharsets.UTF_8)); // weak in production
        List<String> messages = new ArrayList<>();
        for (byte[] content : bad) {
            volume.publishBytes(content);
            time.advance(RotatingSecret.CHECK_INTERVAL);
            assertThat(value(secret)).isEqualTo(FIRST);
            assertThat(secret.problems()).singleElement().satisfies(p -> {
                assertThat(p.variable()).isEqualTo("WEBHOOK_SECRET");
                assertThat(p.source()).contains(key.toString(), "WEBHOOK_SECRET_FILE");
                assertThat(p.toString()).doesNotContain("changeme-changeme").doesNotContain("abc");
                messages.add(p.code().id() + " " + p.message());
            });
        }
        assertThat(messages.get(0)).isEqualTo("HC-E006 file " + key + " is empty");
        assertThat(messages.get(1)).startsWith("HC-E006 file " + key + " contains a NUL byte");
        assertThat(messages.get(2)).isEqualTo("HC-E006 file " + key + " is not valid UTF-8 text");
        assertThat(messages.get(3)).isEqualTo("HC-E006 file " + key + " is larger than 65536 bytes");
        assertThat(messages.get(4)).startsWith("HC-E010 new value is too weak for HMAC_KEY: ");

        assertThat(config.findings()).filteredOn(f -> f.id().equals("HC-S006")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.WARN);
            assertThat(f.detail()).endsWith("; the last good value stays in use");
        });

        volume.publish(THIRD);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(value(secret)).isEqualTo(THIRD);
        assertThat(secret.problems()).isEmpty();
        assertThat(config.findings()).noneMatch(f -> f.id().equals("HC-S006"));
    }

    @Test
    void aVanishedFileKeepsTheValueAndIsReadAgainWhenItReturns() throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), FIRST);
        RotatingSecret secret = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", file.toString())
                .settings().webhookSecret();
        Files.delete(file);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(value(secret)).isEqualTo(FIRST);
        assertThat(secret.problems()).singleElement().satisfies(p -> assertThat(p.message()).isEqualTo("file " + file + " does not exist"));

        Path tmp = Files.writeString(dir.resolve("secret.tmp"), SECOND);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(value(secret)).isEqualTo(SECOND);
        assertThat(secret.problems()).isEmpty();
    }

    @Test
    void outsideProductionAWeakNewValueIsTakenAsAtBoot() throws IOException {
        MountedSecret volume = new MountedSecret();
        RotatingSecret secret = bind(Settings.class, AppEnvironment.DEV, "WEBHOOK_SECRET_FILE", volume.mount(FIRST).toString())
                .settings().webhookSecret();
        volume.publish("changeme-but-only-in-dev");
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(value(secret)).isEqualTo("changeme-but-only-in-dev");
    }

    @Test
    void previousValuesAreAcceptedAndAPreviousFileIsFollowedToo() throws IOException {
        MountedSecret volume = new MountedSecret();
        Path key = volume.mount(SECOND);
        Path previousFile = Files.writeString(dir.resolve("previous"), FIRST + "\n");
        RotatingSecret secret = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", key.toString(),
                "WEBHOOK_SECRET_PREVIOUS_FILE", previousFile.toString()).settings().webhookSecret();
        assertThat(secret.previous()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo(FIRST));
        assertThat(secret.current().orElseThrow().candidates()).extracting(Secret::reveal).containsExactly(SECOND, FIRST);

        volume.publish(THIRD);
        Path tmp = Files.writeString(dir.resolve("previous.tmp"), SECOND + "\n");
        Files.move(tmp, previousFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        assertThat(secret.current().orElseThrow().matchesAny(THIRD)).isTrue();
        assertThat(secret.current().orElseThrow().matchesAny(SECOND)).isTrue();
        assertThat(secret.current().orElseThrow().matchesAny(FIRST)).isFalse();
        assertThat(secret.previous()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo(SECOND));
    }

    @Test
    void aValueFromAVariableIsFixedAndTheReportSaysRotationNeedsARestart() {
        BoundConfig<Settings> config = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET", SECOND,
                "WEBHOOK_SECRET_PREVIOUS", FIRST);
        RotatingSecret secret = config.settings().webhookSecret();
        time.advance(Duration.ofHours(1));
        assertThat(value(secret)).isEqualTo(SECOND);
        assertThat(secret.previous()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo(FIRST));
        assertThat(config.findings()).filteredOn(f -> f.id().equals("HC-S005")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.PASS);
            assertThat(f.detail()).isEqualTo("rotating it needs a restart: environment variable WEBHOOK_SECRET, "
                    + "fixed while the process runs; 1 previous from environment variable WEBHOOK_SECRET_PREVIOUS");
        });
        assertThat(config.findings()).filteredOn(f -> f.id().equals("HC-S001")).hasSize(2);
    }

    @Test
    void theStartupReportShowsWhereTheSecretComesFrom() throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), FIRST);
        BoundConfig<Settings> config = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", file.toString());
        String table = StartupReport.builder(config).timeSource(time).build().renderTable();
        assertThat(table).contains("HC-S005", "rotates without restart: file " + file
                + " (WEBHOOK_SECRET_FILE), re-read when it changes (checked at most every 1s)");
        assertThat(config.describe()).contains("WEBHOOK_SECRET", "43 chars, base64, re-read when the file changes")
                .doesNotContain(FIRST);
        assertThat(config.settings().toString()).doesNotContain(FIRST);
    }

    @Test
    void anOptionalRotatingSecretMayBeAbsentAndNoneIsNeverValid() {
        OptionalSettings s = bind(OptionalSettings.class, AppEnvironment.DEV).settings();
        assertThat(s.webhookSecret()).isEmpty();
        RotatingSecret none = s.webhookSecret().orElse(RotatingSecret.none("WEBHOOK_SECRET"));
        assertThat(none.current()).isEmpty();
        assertThat(none.previous()).isEmpty();
        assertThat(RotatingSecret.fixed("X", Secret.of(FIRST)).current()).hasValueSatisfying(v -> assertThat(v.matches(FIRST)).isTrue());
    }

    @Test
    void manyReadersDuringARotationSeeEitherTheOldOrTheNewValue() throws Exception {
        MountedSecret volume = new MountedSecret();
        RotatingSecret secret = bind(Settings.class, AppEnvironment.PRODUCTION, "WEBHOOK_SECRET_FILE", volume.mount(FIRST).toString())
                .settings().webhookSecret();
        volume.publish(SECOND);
        time.advance(RotatingSecret.CHECK_INTERVAL);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return value(secret);
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isIn(FIRST, SECOND);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(value(secret)).isEqualTo(SECOND);
    }

    @Test
    void theConfigurationTakesItsTimeSourceOnce() {
        HardeningConfig.Builder b = HardeningConfig.builder().timeSource(time);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.timeSource(time))
                .isInstanceOf(IllegalStateException.class).hasMessage("timeSource: already set");
    }
}
