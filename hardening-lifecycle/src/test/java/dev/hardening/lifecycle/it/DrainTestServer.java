package dev.hardening.lifecycle.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import dev.hardening.lifecycle.DrainParticipants;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.jdkhttp.HealthHandlers;
import dev.hardening.lifecycle.jdkhttp.HttpServerDrain;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small service the forked-JVM tests start: a JDK HttpServer wired to a ShutdownCoordinator.
 * Arguments are {@code key=value}: {@code delay}, {@code drain}, {@code total} (milliseconds),
 * {@code hangParticipant}, {@code stubbornTask}, {@code hangFlush} (true/false), and {@code hookFile}:
 * a path to which a separate, ordinary shutdown hook (standing for a logging or telemetry
 * library's) writes {@code hook done} after {@value #HOOK_WORK_MILLIS} ms of work.
 * Prints {@code listening PORT}, {@code accepted ID} when a /work handler starts, {@code draining}
 * when the drain signal fires, and
 * {@code ready} once a stubborn task is running.
 */
public final class DrainTestServer {

    /** How long the other library's shutdown hook works before it writes its file. */
    static final long HOOK_WORK_MILLIS = 300;

    private DrainTestServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        PrintStream out = System.out;
        Health health = Health.create();
        ShutdownCoordinator.Builder b = ShutdownCoordinator.builder()
                .shutdownDelay(Duration.ofMillis(Long.parseLong(a.getOrDefault("delay", "0"))))
                .drainTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("drain", "5000"))))
                .health(health);
        if (a.containsKey("total")) {
            b.totalBudget(Duration.ofMillis(Long.parseLong(a.get("total"))));
        }
        if (Boolean.parseBoolean(a.get("hangFlush"))) {
            b.logFlush(() -> {
                CountDownLatch never = new CountDownLatch(1);
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        // keep hanging
                    }
                }
            });
        }
        ShutdownCoordinator coordinator = b.build();

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        server.setExecutor(pool);
        HttpServerDrain drain = HttpServerDrain.builder(server).executor(pool).build();
        drain.track(server.createContext("/work", exchange -> work(exchange, out)));
        drain.track(server.createContext("/livez", HealthHandlers.livez(health)));
        drain.track(server.createContext("/readyz", HealthHandlers.readyz(health)));
        coordinator.register(drain);

        if (Boolean.parseBoolean(a.get("hangParticipant"))) {
            coordinator.register(new NeverReturns());
        }
        if (Boolean.parseBoolean(a.get("stubbornTask"))) {
            ExecutorService jobs = Executors.newSingleThreadExecutor();
            CountDownLatch running = new CountDownLatch(1);
            jobs.execute(() -> {
                running.countDown();
                CountDownLatch never = new CountDownLatch(1);
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        // a task that ignores interrupts
                    }
                }
            });
            running.await();
            coordinator.register(DrainParticipants.executor("stubborn-jobs", jobs));
        }
        if (a.containsKey("hookFile")) {
            Path file = Path.of(a.get("hookFile"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(HOOK_WORK_MILLIS); // the other library's work, not synchronisation
                    Files.writeString(file, "hook done");
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "other-library-hook"));
        }
        coordinator.drainSignal().onDrain(() -> {
            synchronized (out) {
                out.println("draining");
                out.flush();
            }
        });
        coordinator.install();
        server.start();
        health.markStarted();
        out.println("listening " + server.getAddress().getPort());
        out.flush();
    }

    private static void work(HttpExchange exchange, PrintStream out) throws IOException {
        try (exchange) {
            String q = exchange.getRequestURI().getQuery();
            long ms = 0;
            String id = "?";
            if (q != null) {
                for (String kv : q.split("&")) {
                    if (kv.startsWith("ms=")) {
                        ms = Long.parseLong(kv.substring(3));
                    } else if (kv.startsWith("id=")) {
                        id = kv.substring(3);
                    }
                }
            }
            synchronized (out) {
                out.println("accepted " + id);
                out.flush();
            }
            if (ms > 0) {
                try {
                    Thread.sleep(ms); // the simulated work, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] body = ("done " + id).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** A participant whose drain and force stop never return. */
    static final class NeverReturns implements DrainParticipant {
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String name() {
            return "stuck-participant";
        }

        @Override
        public boolean drain(Deadline deadline) {
            hang();
            return true;
        }

        @Override
        public long inFlight() {
            return 1;
        }

        @Override
        public void forceStop() {
            hang();
        }

        private void hang() {
            while (true) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // ignore
                }
            }
        }
    }
}
