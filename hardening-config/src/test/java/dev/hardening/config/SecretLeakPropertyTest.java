package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes random secrets through every failure and reporting path and asserts that no substring of
 * four or more characters of a secret appears in any output. Secrets are drawn from letters that
 * the library's own messages never use (Greek, Cyrillic, a few symbols), mixed with ASCII, so any
 * four-character match is a real leak rather than a coincidence with boilerplate.
 */
class SecretLeakPropertyTest {

    private static final String ALPHABET = "αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΦΨΩбвгджзийклмнпрстфхцчшщыэюя§¤¶±";
    private static final String ASCII = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-";
    private static final int TRIES = 150;

    record Settings(@SecretSetting(purpose = SecretPurpose.HMAC_KEY) Secret secretKey, Secret webhookSecret) {
    }

    record Checked(Secret secretKey, @DefaultValue("1") int replicas) {
        Checked {
            if (replicas == 1) {
                throw new IllegalArgumentException("secret " + secretKey.reveal() + " rejected with replicas=" + replicas);
            }
        }
    }

    @TempDir
    Path dir;

    private final long seed = new Random().nextLong();
    private final Random random = new Random(seed);

    private String randomSecret() {
        int length = 4 + random.nextInt(90);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            String from = i % 3 == 2 ? ASCII : ALPHABET;
            sb.append(from.charAt(random.nextInt(from.length())));
        }
        return sb.toString();
    }

    private HardeningConfig config(Map<String, String> env) {
        return HardeningConfig.builder().environment(env).devSecretsDirectory(dir.resolve("dev")).build();
    }

    private static String run(Supplier<Object> action) {
        try {
            return String.valueOf(action.get());
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage() + " " + e;
        }
    }

    private static String everything(StartupReport report) {
        return report.renderTable() + report.toJson() + run(() -> {
            report.enforce();
            return "";
        });
    }

    private void assertNoLeak(String secret, String output, String path) {
        for (int i = 0; i + 4 <= secret.length(); i++) {
            String gram = secret.substring(i, i + 4);
            assertThat(output).as("path %s leaked %s (seed %d)", path, gram, seed).doesNotContain(gram);
        }
    }

    @Test
    void noSecretReachesAnyOutput() throws IOException {
        for (int t = 0; t < TRIES; t++) {
            String s = randomSecret();
            String s2 = randomSecret();
            List<String[]> outputs = new ArrayList<>();

            // conflict between the value and the file
            Path f = Files.writeString(dir.resolve("k" + t), s);
            outputs.add(new String[] {"conflict", run(() -> config(Map.of("SECRET_KEY", s, "SECRET_KEY_FILE", f.toString(),
                    "WEBHOOK_SECRET", s2)).bind(Settings.class))});
            // bad files: NUL byte, oversized, not UTF-8
            Path nul = Files.write(dir.resolve("nul" + t), (s + "\0" + s).getBytes(StandardCharsets.UTF_8));
            outputs.add(new String[] {"nul-file", run(() -> config(Map.of("SECRET_KEY_FILE", nul.toString(), "WEBHOOK_SECRET", s2)).bind(Settings.class))});
            Path big = Files.writeString(dir.resolve("big" + t), s.repeat(70_000 / s.length() + 1));
            outputs.add(new String[] {"big-file", run(() -> config(Map.of("SECRET_KEY_FILE", big.toString(), "WEBHOOK_SECRET", s2)).bind(Settings.class))});
            byte[] latin = (s + "é").getBytes(StandardCharsets.ISO_8859_1);
            Path bad = Files.write(dir.resolve("latin" + t), latin);
            outputs.add(new String[] {"not-utf8", run(() -> config(Map.of("SECRET_KEY_FILE", bad.toString(), "WEBHOOK_SECRET", s2)).bind(Settings.class))});
            // a missing setting next to a present secret, and an empty previous value
            outputs.add(new String[] {"missing", run(() -> config(Map.of("SECRET_KEY", s)).bind(Settings.class))});
            outputs.add(new String[] {"previous", run(() -> config(Map.of("SECRET_KEY", s, "SECRET_KEY_PREVIOUS", s + ",,", "WEBHOOK_SECRET", s2)).bind(Settings.class))});
            // an unknown variable under a prefix, and in a .env file (with a bad line holding the secret)
            outputs.add(new String[] {"unknown", run(() -> HardeningConfig.builder().environment(Map.of("APP_SECRET_KYE", s, "APP_SECRET_KEY", s2,
                    "APP_WEBHOOK_SECRET", s2)).prefix("APP_").build().bind(Settings.class))});
            Path dotenv = Files.writeString(dir.resolve("env" + t), "SECRETKEY=" + s + "\n" + s + "\nWEBHOOK_SECRET=\"" + s + "\n");
            outputs.add(new String[] {"dotenv", run(() -> HardeningConfig.builder().environment(Map.of("SECRET_KEY", s2)).dotenvFile(dotenv)
                    .build().bind(Settings.class))});
            // the settings record rejecting the secret in its own message
            outputs.add(new String[] {"record-message", run(() -> config(Map.of("SECRET_KEY", s)).bind(Checked.class))});
            // success paths: findings (weak, reused), describe, toString, reports, enforcement
            Map<String, String> reused = new HashMap<>(Map.of("SECRET_KEY", s, "WEBHOOK_SECRET", s, "SECRET_KEY_PREVIOUS", s2));
            for (String env : new String[] {"dev", "production"}) {
                reused.put("APP_ENV", env);
                BoundConfig<Settings> b = config(reused).bind(Settings.class);
                StartupReport report = StartupReport.builder(b.environment()).addAll(b.findings())
                        .silence("HC-S002", "accepted", LocalDate.of(2000, 1, 1)).build();
                outputs.add(new String[] {"report-" + env, b.describe() + b + b.settings() + everything(report)});
            }
            // the secret itself
            Secret secret = Secret.of(s);
            outputs.add(new String[] {"secret", secret + secret.describe() + secret.withPrevious(List.of(Secret.of(s2)))
                    + SecretPolicy.standard().assess(secret, SecretPurpose.PASSWORD, "X")});
            outputs.add(new String[] {"serialize", run(() -> {
                try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                    out.writeObject(secret);
                    return "serialized";
                } catch (NotSerializableException e) {
                    return e.toString();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            })});

            for (String[] o : outputs) {
                assertThat(o[1]).as("path %s produced output", o[0]).isNotEmpty();
                assertThat(o[1]).as("path %s", o[0]).doesNotContain("serialized");
                assertNoLeak(s, o[1], o[0]);
                assertNoLeak(s2, o[1], o[0]);
            }
        }
    }
}
