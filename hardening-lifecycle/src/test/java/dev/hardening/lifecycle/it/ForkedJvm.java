package dev.hardening.lifecycle.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A JVM started with this module's test classpath (target/classes, target/test-classes and the
 * dependencies Maven wrote to target/forked-jvm-classpath.txt). Its stdout and stderr go to files
 * under target/forked-jvm (reading pipes races with the JDK's process-exit handling).
 */
final class ForkedJvm implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Process process;
    private final Path out;
    private final Path err;

    private ForkedJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static ForkedJvm start(Class<?> main, String... args) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        String deps = Files.readString(target.resolve("forked-jvm-classpath.txt")).strip();
        String cp = target.resolve("test-classes") + File.pathSeparator + target.resolve("classes")
                + File.pathSeparator + deps;
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx128m",
                "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        Path dir = Files.createDirectories(target.resolve("forked-jvm"));
        String stem = main.getSimpleName() + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Path o = dir.resolve(stem + ".out");
        Path e = dir.resolve(stem + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        return new ForkedJvm(p, o, e);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls (with a deadline) for a stdout line matching the predicate. */
    String awaitStdout(Predicate<String> p, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String l : stdout()) {
                if (p.test(l)) {
                    return l;
                }
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("no matching line within " + timeout + "; stdout=" + stdout() + " stderr=" + stderr());
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited " + process.exitValue() + "; stdout=" + stdout() + " stderr=" + stderr());
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    int port() {
        String l = awaitStdout(s -> s.startsWith("listening "), Duration.ofSeconds(30));
        return Integer.parseInt(l.substring("listening ".length()).strip());
    }

    /** Sends SIGTERM. */
    void sigterm() {
        process.destroy();
    }

    /** @return the exit code, if the process exited in time */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        return Optional.of(process.exitValue());
    }

    /** @return whether the process exited within the timeout */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<String> stdout() {
        return lines(out);
    }

    List<String> stderr() {
        return lines(err);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
