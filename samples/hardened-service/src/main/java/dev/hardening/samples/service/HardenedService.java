package dev.hardening.samples.service;

import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.StartupCheckException;
import dev.hardening.config.StartupReport;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.jdkhttp.HardenedHttpServer;
import dev.hardening.lifecycle.jdkhttp.HttpServerDrain;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The reference service of SAMPLE.md, in the order a boot must happen:
 *
 * <ol>
 *   <li>bind the settings — a failure still yields a report of every problem (exit 78);</li>
 *   <li>build the components ({@link Components}), the HTTP server (not yet listening), the routes
 *       with their ordered filters ({@link Wiring}) and the shutdown sequence, so that the report
 *       describes the service exactly as it will run;</li>
 *   <li>print the startup report: configuration errors, weak secrets, component findings and
 *       operator silences ({@code SILENCE_<ID>}) together; any FAIL in production exits 78 with no
 *       port opened;</li>
 *   <li>open the port and print {@code listening on http://HOST:PORT}.</li>
 * </ol>
 */
public final class HardenedService {

    /** Exit status for configuration errors (sysexits.h EX_CONFIG). */
    public static final int EX_CONFIG = 78;

    /** The longest wait for Redis before the port opens (a Redis that is down does not block the boot). */
    static final Duration REDIS_AT_BOOT = Duration.ofSeconds(5);

    /** The audience the dev issuer mints for when {@code OIDC_AUDIENCE} is unset. */
    static final String DEV_AUDIENCE = Components.DEV_AUDIENCE;

    private HardenedService() {
    }

    /**
     * Starts the service; exits with 78 when the configuration or the startup report fails.
     *
     * @param args ignored: everything comes from the environment
     */
    public static void main(String[] args) {
        int status = boot(System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    private static int boot(PrintStream out, PrintStream err) {
        BoundConfig<ServiceSettings> config;
        try {
            config = ServiceSettings.load();
        } catch (ConfigException e) {
            // every binding error and weak secret at once, with the silences applied
            err.print(StartupReport.builder(e).build().renderTable());
            return EX_CONFIG;
        }
        ServiceSettings s = config.settings();
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(s.bindAddress()), s.port());
        } catch (UnknownHostException e) {
            err.println("HC-E002 BIND_ADDRESS: not an address or a resolvable name");
            return EX_CONFIG;
        }
        Components components = Components.build(config);
        Health health = Health.create();
        ShutdownCoordinator shutdown = ShutdownCoordinator.builder()
                .shutdownDelay(s.shutdownDelay())
                .drainTimeout(s.drainTimeout())
                // SAMPLE.md: the whole shutdown never exceeds SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s; the
                // watchdog may need up to 100 ms past the budget to halt, hence 1.8 s of slack.
                .totalBudget(s.shutdownDelay().plus(s.drainTimeout()).plusMillis(1800))
                .health(health)
                .build();
        // The JDK HttpServer API on HardenedHttpServer: read deadlines, bounded reads, TCP_NODELAY,
        // problem documents for what the server rejects itself (BENCHMARKS.md has the measurements).
        HardenedHttpServer server = HardenedHttpServer.builder(address).build();
        HttpServerDrain http = HttpServerDrain.builder(server).build();
        Wiring.install(server, Wiring.routes(components, health, http.filter()));
        shutdown.register(http);
        shutdown.onRelease("components", components::close);

        StartupReport.Builder findings = StartupReport.builder(config)
                .check(shutdown.startupCheck())
                .check(server.startupCheck())
                .add(EnvironmentChecks.devModeBinding(config.environment(), s.bindAddress(), s.allowDevOnNetwork()));
        components.checks().forEach(findings::check);
        StartupReport report = findings.build();
        components.metrics.bind(report);
        try {
            report.enforce();
        } catch (StartupCheckException e) {
            err.print(report.renderTable());
            components.close();
            return EX_CONFIG;
        }
        out.print(report.renderTable());
        out.flush();

        shutdown.install();
        try {
            if (!components.awaitRedis(REDIS_AT_BOOT)) {
                err.println("REDIS_URI: not connected within " + REDIS_AT_BOOT.toSeconds() + " s; rate limits use "
                        + "RATE_LIMIT_FALLBACK and DPoP-bound requests are refused until it is");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.start();
        } catch (UncheckedIOException e) {
            err.println("cannot listen on " + s.bindAddress() + ":" + s.port() + ": " + e.getCause().getMessage());
            components.close();
            return 1;
        }
        health.markStarted();
        components.verifier.warmUp();
        out.println("listening on http://" + hostForUrl(s.bindAddress()) + ":" + server.getAddress().getPort());
        out.flush();
        return 0;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
