package dev.hardening.ratelimit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Real redis-server processes for tests, on free loopback ports, never the Redis on 6379. The binary is
 * the {@code redis-server} on the PATH, or else the one shipped inside the embedded-redis test
 * dependency from Maven Central.
 */
final class RedisServers {

    private static final String[] EMBEDDED = {
        "/redis-server-6.2.6-v5-linux-amd64", "/redis-server-6.2.7-linux-arm64",
        "/redis-server-6.2.6-v5-darwin-amd64", "/redis-server-6.2.6-v5-darwin-arm64"};

    private static volatile String binary;

    private RedisServers() {
    }

    /** @return the redis-server command to run */
    static synchronized String binary() {
        if (binary != null) {
            return binary;
        }
        if (runs("redis-server")) {
            binary = "redis-server";
            return binary;
        }
        binary = embeddedBinary();
        return binary;
    }

    /**
     * Extracts and checks the redis-server shipped in the embedded-redis test dependency (Maven
     * Central), for machines with no redis-server on the PATH.
     *
     * @return the path of a runnable binary
     */
    static String embeddedBinary() {
        try {
            Path dir = Files.createTempDirectory("redis-bin");
            for (String resource : EMBEDDED) {
                try (InputStream in = RedisServers.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        continue;
                    }
                    Path target = dir.resolve(resource.substring(1));
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    if (!target.toFile().setExecutable(true)) {
                        continue;
                    }
                    if (runs(target.toString())) {
                        return target.toString();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no runnable redis-server on the PATH or in embedded-redis");
    }

    private static boolean runs(String command) {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls a condition until it holds or the deadline passes. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * A backend for tests of decisions rather than of failure handling: a 2 s command timeout, so a
     * scheduling hiccup on a loaded CI machine is not mistaken for Redis being down. Failure tests
     * use the production defaults ({@link RedisBackend#connect}).
     */
    static RedisBackend patientBackend(String uri) {
        return RedisBackend.builder(uri).commandTimeout(Duration.ofSeconds(2)).build();
    }

    /** Starts a standalone server. */
    static Server standalone() {
        return Server.start(List.of());
    }

    /** One redis-server process. */
    static final class Server implements AutoCloseable {
        private final List<String> extraArgs;
        private final Path dir;
        private int port;
        private Process process;
        private String sentinelConfig;

        private Server(List<String> extraArgs, Path dir) {
            this.extraArgs = extraArgs;
            this.dir = dir;
        }

        /** Starts a Sentinel monitoring {@code mymaster} at the given port (quorum 2, down after 1 s). */
        static Server sentinel(int masterPort) {
            try {
                Server s = new Server(List.of(), Files.createTempDirectory("redis-sentinel"));
                s.sentinelConfig = "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
                        + "sentinel down-after-milliseconds mymaster 1000\n"
                        + "sentinel failover-timeout mymaster 3000\n";
                for (int attempt = 0; attempt < 5; attempt++) {
                    s.port = freePort();
                    if (s.launch()) {
                        return s;
                    }
                }
                throw new IllegalStateException("sentinel did not start; log: " + s.log());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Server start(List<String> extraArgs) {
            try {
                Server s = new Server(extraArgs, Files.createTempDirectory("redis-test"));
                for (int attempt = 0; attempt < 5; attempt++) {
                    s.port = freePort();
                    if (s.launch()) {
                        return s;
                    }
                }
                throw new IllegalStateException("redis-server did not start; log: " + s.log());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private boolean launch() throws IOException {
            List<String> cmd = new ArrayList<>(List.of(binary()));
            if (sentinelConfig != null) {
                Path conf = dir.resolve("sentinel.conf");
                Files.writeString(conf, sentinelConfig);
                cmd.add(conf.toString());
                cmd.add("--sentinel");
            }
            cmd.addAll(List.of("--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir",
                    dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
            cmd.addAll(extraArgs);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            boolean up = await(Duration.ofSeconds(10), () -> !process.isAlive() || ping(port));
            if (up && process.isAlive()) {
                return true;
            }
            process.destroyForcibly();
            return false;
        }

        String log() {
            try {
                Path log = dir.resolve("redis.log");
                return Files.exists(log) ? Files.readString(log) : "(no log)";
            } catch (IOException e) {
                return e.toString();
            }
        }

        int port() {
            return port;
        }

        Path dir() {
            return dir;
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Kills the process at once (SIGKILL) and waits for it to be gone. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            await(Duration.ofSeconds(10), () -> !ping(port));
        }

        /** Starts the server again on the same port. */
        void restart() {
            try {
                for (int attempt = 0; attempt < 50; attempt++) {
                    if (launch()) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("redis-server did not restart on " + port + ": " + log());
        }

        /** @return a sync connection for setup and inspection; close it */
        StatefulRedisConnection<String, String> connect(RedisClient client) {
            return client.connect(RedisURI.create(uri()));
        }

        <T> T withCommands(java.util.function.Function<RedisCommands<String, String>, T> action) {
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> c = connect(client)) {
                return action.apply(c.sync());
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }

        @Override
        public void close() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** @return whether a Redis answers PING on the port */
    static boolean ping(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            return "+PONG".equals(line);
        } catch (IOException e) {
            return false;
        }
    }
}
