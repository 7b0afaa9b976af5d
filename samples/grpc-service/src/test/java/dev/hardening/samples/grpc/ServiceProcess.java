package dev.hardening.samples.grpc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;

/**
 * The packaged gRPC service jar run as a user runs it: {@code java -jar} with exactly the given
 * environment (nothing inherited), output captured line by line.
 */
final class ServiceProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "grpc-service.jar").toAbsolutePath();

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> listening = new CompletableFuture<>();
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();
    /** Output lines with the test's monotonic time of arrival, both streams. */
    private final List<Timed> timed = new CopyOnWriteArrayList<>();

    /** A line of output and when the test read it ({@code System.nanoTime()}). */
    record Timed(long nanos, String line) {
    }

    private ServiceProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, true);
        pump(process.getErrorStream(), stderr, false);
    }

    /** @return a map of the given key/value pairs, mutable */
    static Map<String, String> env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** @return a fresh value like {@code openssl rand -base64 32} */
    static String strongKey() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    static ServiceProcess start(Map<String, String> env, Path workDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString()).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new ServiceProcess(pb.start());
    }

    private void pump(InputStream in, List<String> sink, boolean watchListening) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                    timed.add(new Timed(System.nanoTime(), line));
                    if (watchListening && line.startsWith("listening on ")) {
                        listening.complete(line.substring("listening on ".length()));
                    }
                }
            } catch (IOException e) {
                sink.add("<stream closed: " + e.getClass().getSimpleName() + ">");
            } finally {
                if (watchListening) {
                    listening.complete(null);
                }
            }
        }, "service-output");
        t.setDaemon(true);
        pumps.add(t);
        t.start();
    }

    /** @return every line so far with its arrival time */
    List<Timed> timedLines() {
        return List.copyOf(timed);
    }

    /** @return the address from the {@code listening on} line, or null if the process ended first */
    String awaitListening(Duration timeout) throws Exception {
        return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service did not exit within " + timeout + "; stdout=" + stdout + " stderr=" + stderr);
        }
        for (Thread pump : pumps) {
            pump.join(TimeUnit.SECONDS.toMillis(10)); // the pipes hold the last lines after the exit
        }
        return process.exitValue();
    }

    /**
     * Sends SIGTERM. Through the process handle: {@code Process.destroy()} also closes our ends of
     * the child's pipes, which would lose everything it logs while shutting down.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return String.join("\n", stdout);
    }

    String stderr() {
        return String.join("\n", stderr);
    }

    String allOutput() {
        return stdout() + "\n" + stderr();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
