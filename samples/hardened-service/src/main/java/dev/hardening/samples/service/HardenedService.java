package dev.hardening.samples.service;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference service of SAMPLE.md, in the order a boot must happen:
 *
 * <ol>
 *   <li>bind the settings — when that fails, the components are still built from the settings that
 *       did bind ({@link ConfigException#partialSettings}), so that one report lists every problem
 *       (exit 78);</li>
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

    /** The rule of configuration-error lines, as hardening-config names it. */
    private static final String CONFIG_RULE = "12-factor III. Config";

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
        BoundConfig<ServiceSettings> config = null;
        ConfigException failure = null;
        ServiceSettings s;
        AppEnvironment environment;
        try {
            config = ServiceSettings.load();
            s = config.settings();
            environment = config.environment();
        } catch (ConfigException e) {
            // SAMPLE.md, every problem in one boot: the components are still built from the settings
            // that did bind (a failed one holds its default), only to report their findings beside
            // the configuration errors; the report then refuses the start (HC-E lines cannot be silenced)
            Optional<ServiceSettings> partial = e.partialSettings(ServiceSettings.class);
            if (partial.isEmpty()) {
                err.print(StartupReport.builder(e).build().renderTable());
                return EX_CONFIG;
            }
            failure = e;
            s = partial.get();
            environment = e.environment();
        }
        List<Finding> addressProblems = new ArrayList<>();
        InetSocketAddress address = address(s, addressProblems);
        Components components;
        try {
            components = Components.build(s, environment);
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            // a component cannot be built from the fallback values: the configuration errors alone
            err.print(StartupReport.builder(failure).addAll(addressProblems).build().renderTable());
            return EX_CONFIG;
        }
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

        // Redis down at boot is reported, not refused: the first requests share limits and DPoP proof
        // ids across replicas when it answers in time (not waited for when the configuration failed:
        // the start is refused anyway)
        boolean redisAnswered = true;
        if (failure == null) {
            try {
                redisAnswered = components.awaitRedis(REDIS_AT_BOOT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                redisAnswered = false;
            }
        }
        StartupReport.Builder findings = (failure == null ? StartupReport.builder(config) : StartupReport.builder(failure))
                .addAll(addressProblems)
                .check(shutdown.startupCheck())
                .check(server.startupCheck())
                .add(EnvironmentChecks.devModeBinding(environment, s.bindAddress(), s.allowDevOnNetwork()));
        components.checks().forEach(findings::check);
        if (failure == null) {
            components.redisAtBoot(redisAnswered, REDIS_AT_BOOT, s.rateLimitFallback()).ifPresent(findings::add);
        }
        StartupReport report = findings.build();
        components.metrics.bind(report);
        try {
            report.enforce();
        } catch (StartupCheckException e) {
            err.print(report.renderTable());
            components.close();
            return EX_CONFIG;
        }
        if (failure != null) {
            // unreachable (a configuration error is a FAIL that no silence accepts), but never serve
            // with fallback settings
            err.print(report.renderTable());
            components.close();
            return EX_CONFIG;
        }
        out.print(report.renderTable());
        out.flush();

        shutdown.install();
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

    /**
     * The address to listen on; an unresolvable {@code BIND_ADDRESS} becomes an {@code HC-E002} line
     * of the report (beside every other problem) and the loopback address, which is never opened
     * because that line refuses the start.
     */
    private static InetSocketAddress address(ServiceSettings s, List<Finding> problems) {
        try {
            return new InetSocketAddress(InetAddress.getByName(s.bindAddress()), s.port());
        } catch (UnknownHostException e) {
            problems.add(Finding.fail(ProblemCode.UNPARSABLE.id(), CONFIG_RULE, "BIND_ADDRESS",
                    "not an address or a resolvable name (environment variable BIND_ADDRESS)",
                    "set an IP address, or a name this host resolves"));
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
