package dev.hardening.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service jar run as a user runs it: {@code java -jar} with exactly the given
 * environment (nothing inherited), both output streams captured line by line, the
 * {@code listening on ADDRESS} line watched. The samples' black-box tests share it.
 *
 * <p>Thread-safe.
 */
public final class JarProcess implements AutoCloseable {

    private static final String LISTENING = "listening on ";

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Timed> timed = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> listening = new CompletableFuture<>();
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();

    /**
     * A line of output and when the test read it.
     *
     * @param nanos the test JVM's {@code System.nanoTime()} at arrival
     * @param line  the line
     */
    public record Timed(long nanos, String line) {
    }

    private JarProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, true);
        pump(process.getErrorStream(), stderr, false);
    }

    /**
     * Starts {@code java -jar jar} with the running JVM's {@code java}.
     *
     * @param jar     the jar
     * @param env     the whole environment of the process
     * @param workDir its working directory
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static JarProcess start(Path jar, Map<String, String> env, Path workDir) throws IOException {
        return start(jar, env, workDir, List.of());
    }

    /**
     * Starts {@code java <jvmOptions> -jar jar} with the running JVM's {@code java}.
     *
     * @param jar        the jar
     * @param env        the whole environment of the process
     * @param workDir    its working directory
     * @param jvmOptions options for the JVM only (never for the application), e.g. a JIT setting
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static JarProcess start(Path jar, Map<String, String> env, Path workDir, List<String> jvmOptions) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new JarProcess(pb.start());
    }

    /**
     * @param kv alternating keys and values
     * @return a mutable map of them
     */
    public static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** @return a fresh value like {@code openssl rand -base64 32} */
    public static String strongKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private void pump(InputStream in, List<String> sink, boolean watchListening) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                    timed.add(new Timed(System.nanoTime(), line));
                    if (watchListening && line.startsWith(LISTENING)) {
                        listening.complete(line.substring(LISTENING.length()));
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

    /**
     * @param timeout how long to wait
     * @return what follows {@code listening on} (a base URL or an address), or null if the process ended first
     * @throws Exception if the wait times out or is interrupted
     */
    public String awaitListening(Duration timeout) throws Exception {
        return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for the exit and for the last output lines.
     *
     * @param timeout how long to wait
     * @return the exit status
     * @throws InterruptedException if interrupted
     * @throws AssertionError       if the process is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
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
    public void terminate() {
        process.toHandle().destroy();
    }

    /** @return whether the process is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return every line so far, both streams, with its arrival time */
    public List<Timed> timedLines() {
        return List.copyOf(timed);
    }

    /** @return standard output so far */
    public String stdout() {
        return String.join("\n", stdout);
    }

    /** @return standard error so far */
    public String stderr() {
        return String.join("\n", stderr);
    }

    /** @return standard output, then standard error */
    public String allOutput() {
        return stdout() + "\n" + stderr();
    }

    /** Kills the process if it is still running and waits up to 10 s for it. */
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
