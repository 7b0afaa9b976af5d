package dev.hardening.samples.service;

import dev.hardening.testkit.JarProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** This sample's packaged jar, started through the test kit's {@link JarProcess}. */
final class ServiceProcess {
    static final Path JAR = Path.of("target", "hardened-service.jar").toAbsolutePath();

    private ServiceProcess() {
    }

    static JarProcess start(Map<String, String> env, Path workDir) throws IOException {
        return JarProcess.start(JAR, env, workDir);
    }

    static Map<String, String> env(String... kv) {
        return JarProcess.env(kv);
    }

    static String strongKey() {
        return JarProcess.strongKey();
    }
}
