package dev.hardening.testkit;

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
import java.util.function.Function;

/**
 * Real redis-server processes for tests, on free loopback ports, never the Redis on 6379. The
 * binary is the {@code redis-server} on the PATH, or else the one shipped inside the
 * embedded-redis dependency from Maven Central.
 *
 * <p>The static methods are thread-safe; a {@link Server} is meant to be driven by one test at a
 * time.
 */
public final class RedisServers {

    private static final String[] EMBEDDED = {
        "/redis-server-6.2.6-v5-linux-amd64", "/redis-server-6.2.7-linux-arm64",
        "/redis-server-6.2.6-v5-darwin-amd64", "/redis-server-6.2.6-v5-darwin-arm64"};

    private static String binary;

    private RedisServers() {
    }

    /**
     * @return the redis-server command to run: {@code redis-server} if it runs from the PATH,
     *         otherwise the embedded binary
     * @throws IllegalStateException if neither runs
     */
    public static synchronized String binary() {
        if (binary == null) {
            binary = runs("redis-server") ? "redis-server" : embeddedBinary();
        }
        return binary;
    }

    /**
     * Extracts and checks the redis-server shipped in the embedded-redis dependency (Maven
     * Central), for machines with no redis-server on the PATH.
     *
     * @return the path of a runnable binary
     * @throws IllegalStateException if none of the shipped binaries runs on this machine
     * @throws UncheckedIOException  if the binary cannot be extracted
     */
    public static String embeddedBinary() {
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

    /**
     * @return a loopback port that was free a moment ago; never 6379 (see {@link LoopbackPorts})
     * @throws UncheckedIOException if no port can be bound
     */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    /**
     * Polls a condition every 20 ms until it holds or the timeout passes.
     *
     * @param timeout   the longest to wait
     * @param condition the condition; exceptions propagate
     * @return whether the condition held before the timeout
     */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Starts a standalone server with persistence off.
     *
     * @return the running server; close it
     * @throws IllegalStateException if it does not start on any of five free ports
     */
    public static Server standalone() {
        return Server.start(List.of());
    }

    /**
     * @param port a loopback port
     * @return whether a Redis answers PING on the port (within 200 ms to connect, 500 ms to answer)
     */
    public static boolean ping(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            return "+PONG".equals(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }

    /** One redis-server process on a loopback port. Not thread-safe: one test drives it. */
    public static final class Server implements AutoCloseable {
        private final List<String> extraArgs;
        private final Path dir;
        private int port;
        private Process process;
        private String sentinelConfig;

        private Server(List<String> extraArgs, Path dir) {
            this.extraArgs = extraArgs;
            this.dir = dir;
        }

        /**
         * Starts a Sentinel monitoring {@code mymaster} at the given port (quorum 2, down after 1 s,
         * failover timeout 3 s).
         *
         * @param masterPort the master's port
         * @return the running sentinel; close it
         * @throws IllegalStateException if it does not start on any of five free ports
         */
        public static Server sentinel(int masterPort) {
            try {
                Server s = new Server(List.of(), Files.createTempDirectory("redis-sentinel"));
                s.sentinelConfig = "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
                        + "sentinel down-after-milliseconds mymaster 1000\n"
                        + "sentinel failover-timeout mymaster 3000\n";
                s.launchOnFreePort();
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Starts a server with extra command-line arguments, such as
         * {@code --cluster-enabled yes} or {@code --replicaof 127.0.0.1 1234}.
         *
         * @param extraArgs arguments appended after the defaults (port, loopback bind, no persistence)
         * @return the running server; close it
         * @throws IllegalStateException if it does not start on any of five free ports
         */
        public static Server start(List<String> extraArgs) {
            try {
                Server s = new Server(List.copyOf(extraArgs), Files.createTempDirectory("redis-test"));
                s.launchOnFreePort();
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void launchOnFreePort() throws IOException {
            for (int attempt = 0; attempt < 5; attempt++) {
                port = freePort();
                if (launch()) {
                    return;
                }
            }
            throw new IllegalStateException("redis-server did not start; log: " + log());
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

        /** @return the server's log file content, or a note why it cannot be read */
        public String log() {
            try {
                Path log = dir.resolve("redis.log");
                return Files.exists(log) ? Files.readString(log) : "(no log)";
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** @return the loopback port */
        public int port() {
            return port;
        }

        /** @return the working directory (logs, cluster config) */
        public Path dir() {
            return dir;
        }

        /** @return {@code redis://127.0.0.1:<port>} */
        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        /** @return whether the process is running */
        public boolean isAlive() {
            return process.isAlive();
        }

        /** Kills the process at once (SIGKILL) and waits up to 10 s for the port to stop answering. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            await(Duration.ofSeconds(10), () -> !ping(port));
        }

        /**
         * Starts the server again on the same port, with empty data (persistence is off).
         *
         * @throws IllegalStateException if the port cannot be reused after 50 attempts
         */
        public void restart() {
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

        /**
         * @param client the client to connect with
         * @return a connection for setup and inspection; close it
         */
        public StatefulRedisConnection<String, String> connect(RedisClient client) {
            return client.connect(RedisURI.create(uri()));
        }

        /**
         * Runs setup or inspection commands on a fresh connection (5 s command timeout).
         *
         * @param action the commands
         * @param <T>    the result type
         * @return what the action returns
         */
        public <T> T withCommands(Function<RedisCommands<String, String>, T> action) {
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> c = connect(client)) {
                c.setTimeout(Duration.ofSeconds(5));
                return action.apply(c.sync());
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }

        /** Kills the process (SIGKILL) and waits up to 10 s for it to exit; idempotent. */
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
}
