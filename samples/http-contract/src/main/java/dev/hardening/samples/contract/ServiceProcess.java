package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The jar under test, started through the test kit's {@link JarProcess}. Each sample that runs
 * these tests names its own jar and the audience its dev issuer mints for, as failsafe system
 * properties ({@value #JAR_PROPERTY}, {@value #DEV_AUDIENCE_PROPERTY}); without them every test
 * fails rather than skips. {@value #BOOT_TIMEOUT_PROPERTY} (an ISO-8601 duration, default
 * {@code PT30S}) is how long a test waits for a boot: SAMPLE.md sets no bound on it, and a Spring
 * Boot application on a busy two-core CI machine needs more than the JDK sample.
 */
final class ServiceProcess {
    /** The system property naming the runnable jar under test. */
    static final String JAR_PROPERTY = "contract.jar";
    /** The system property naming the audience of tokens from the service's dev issuer. */
    static final String DEV_AUDIENCE_PROPERTY = "contract.devAudience";
    /** The system property with the longest wait for one boot. */
    static final String BOOT_TIMEOUT_PROPERTY = "contract.bootTimeout";
    /** System property: JVM options for the jar's process, space-separated (optional). */
    static final String JVM_OPTIONS_PROPERTY = "contract.jvmOptions";
    /** Exit status of a refused boot (SAMPLE.md; sysexits.h EX_CONFIG). */
    static final int EX_CONFIG = 78;

    private ServiceProcess() {
    }

    static Path jar() {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException("system property " + JAR_PROPERTY + " is not set: the sample's failsafe "
                    + "configuration names the jar under test");
        }
        Path path = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(JAR_PROPERTY + ": " + path + " (expected: the packaged jar)");
        }
        return path;
    }

    static String devAudience() {
        String audience = System.getProperty(DEV_AUDIENCE_PROPERTY);
        if (audience == null || audience.isBlank()) {
            throw new IllegalStateException("system property " + DEV_AUDIENCE_PROPERTY + " is not set");
        }
        return audience;
    }

    static Duration bootTimeout() {
        String value = System.getProperty(BOOT_TIMEOUT_PROPERTY);
        return value == null || value.isBlank() ? Duration.ofSeconds(30) : Duration.parse(value);
    }

    /**
     * JVM options for the jar's process, from the system property {@value #JVM_OPTIONS_PROPERTY}
     * (space-separated; none by default). For the JVM only: the service's behaviour under test does
     * not depend on them.
     */
    static List<String> jvmOptions() {
        String value = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    static JarProcess start(Map<String, String> env, Path workDir) throws IOException {
        return JarProcess.start(jar(), env, workDir, jvmOptions());
    }

    static Map<String, String> env(String... kv) {
        return JarProcess.env(kv);
    }

    static String strongKey() {
        return JarProcess.strongKey();
    }
}
