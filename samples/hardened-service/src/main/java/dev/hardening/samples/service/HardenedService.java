package dev.hardening.samples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.StartupCheckException;
import dev.hardening.config.StartupReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference service: settings through hardening-config, the startup report before the port
 * opens, exit status 78 (EX_CONFIG) when it fails, then a plain JDK {@link HttpServer}.
 */
public final class HardenedService {

    /** Exit status for configuration errors (sysexits.h EX_CONFIG). */
    public static final int EX_CONFIG = 78;

    private static final Logger LOG = LoggerFactory.getLogger(HardenedService.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean ready = new AtomicBoolean(false);

    private HardenedService(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the service; exits with 78 when the configuration or the startup report fails.
     *
     * @param args ignored: everything comes from the environment
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BoundConfig<ServiceSettings> config;
        try {
            config = ServiceSettings.load();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            System.exit(EX_CONFIG);
            return;
        }
        ServiceSettings settings = config.settings();
        StartupReport report = StartupReport.builder(config.environment())
                .check(config)
                .add(EnvironmentChecks.devModeBinding(config.environment(), settings.bindAddress(), settings.allowDevOnNetwork()))
                .build();
        try {
            report.enforce();
        } catch (StartupCheckException e) {
            err.print(report.renderTable());
            System.exit(EX_CONFIG);
            return;
        }
        out.print(report.renderTable());
        out.flush();

        HardenedService service;
        try {
            service = start(settings);
        } catch (IOException e) {
            err.println("cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        InetSocketAddress bound = service.server.getAddress();
        out.println("listening on http://" + hostForUrl(settings.bindAddress()) + ":" + bound.getPort());
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "shutdown"));
    }

    static HardenedService start(ServiceSettings settings) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(32);
        server.setExecutor(executor);
        HardenedService service = new HardenedService(server, executor);
        server.createContext("/", service::route);
        server.start();
        service.ready.set(true);
        return service;
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean get = exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
            switch (path) {
                case "/livez":
                    if (!get) {
                        Problems.send(exchange, 405, "Method Not Allowed", "use GET");
                        return;
                    }
                    Problems.text(exchange, 200, "ok");
                    return;
                case "/readyz":
                    if (!get) {
                        Problems.send(exchange, 405, "Method Not Allowed", "use GET");
                        return;
                    }
                    if (ready.get()) {
                        Problems.text(exchange, 200, "ready");
                    } else {
                        Problems.text(exchange, 503, "not ready");
                    }
                    return;
                default:
                    Problems.send(exchange, 404, "Not Found", "no such resource");
            }
        } catch (RuntimeException e) {
            LOG.error("request failed: {}", e.getClass().getSimpleName());
        }
    }

    /** Turns readiness off, then lets in-flight exchanges finish for up to 10 seconds. */
    void stop() {
        ready.set(false);
        server.stop(10);
        executor.shutdown();
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Writes small response bodies: RFC 9457 problem documents and plain text. */
    static final class Problems {
        private Problems() {
        }

        static void send(HttpExchange exchange, int status, String title, String detail) throws IOException {
            String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                    + ",\"detail\":\"" + detail + "\"}";
            write(exchange, status, "application/problem+json", body);
        }

        static void text(HttpExchange exchange, int status, String body) throws IOException {
            write(exchange, status, "text/plain; charset=utf-8", body);
        }

        private static void write(HttpExchange exchange, int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(bytes);
                }
            }
        }
    }
}
