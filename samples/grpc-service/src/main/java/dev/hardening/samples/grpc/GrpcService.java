package dev.hardening.samples.grpc;

import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.StartupCheckException;
import dev.hardening.config.StartupReport;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.LeaseProvider;
import dev.hardening.lifecycle.LocalLeaseProvider;
import dev.hardening.lifecycle.PeriodicJobs;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.grpc.GrpcCallTracker;
import dev.hardening.lifecycle.grpc.GrpcHealthStatus;
import dev.hardening.lifecycle.grpc.GrpcServerDrain;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.redis.RedisBackend;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent hub of SAMPLE-GRPC.md: settings through hardening-config, verified tokens through
 * hardening-auth, per-caller limits through hardening-ratelimit, health, graceful drain and the
 * once-per-cluster {@code mirror-cleanup} job through hardening-lifecycle; the startup report before
 * the port opens (exit 78 when it fails), then grpc-java on the Netty transport.
 */
public final class GrpcService {

    /** Exit status for configuration errors (sysexits.h EX_CONFIG). */
    public static final int EX_CONFIG = 78;
    /** Largest inbound message accepted; larger ones get {@code RESOURCE_EXHAUSTED}. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 1_048_576;
    /** The audience the dev issuer mints for when {@code OIDC_AUDIENCE} is unset. */
    static final String DEV_AUDIENCE = "grpc-service";
    /** Threads running calls: a bounded pool, so slow calls cannot make the process spawn threads without end. */
    static final int CALL_THREADS = 64;
    /** Longest lease of the job; renewed while a run lasts, so it only bounds how long a crashed holder blocks. */
    static final Duration MAX_JOB_LEASE = Duration.ofSeconds(30);

    /** The longest wait for Redis before the report (a Redis that is down does not stop the boot). */
    static final Duration REDIS_AT_BOOT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(GrpcService.class);

    private GrpcService() {
    }

    /**
     * Starts the service; exits with 78 when the configuration or the startup report fails.
     *
     * @param args ignored: everything comes from the environment
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BoundConfig<GrpcSettings> config = null;
        ConfigException failure = null;
        GrpcSettings settings;
        AppEnvironment environment;
        try {
            config = GrpcSettings.load();
            settings = config.settings();
            environment = config.environment();
        } catch (ConfigException e) {
            // SAMPLE.md, every problem in one boot: the components are still built from the settings
            // that did bind (a failed one holds its default), only to report their findings beside the
            // configuration errors; the report then refuses the start (HC-E lines cannot be silenced)
            Optional<GrpcSettings> partial = e.partialSettings(GrpcSettings.class);
            if (partial.isEmpty()) {
                err.print(StartupReport.builder(e).build().renderTable());
                System.exit(EX_CONFIG);
                return;
            }
            failure = e;
            settings = partial.get();
            environment = e.environment();
        }
        TokenVerifier verifier;
        Optional<RedisBackend> redis;
        RateLimiting rateLimiting;
        try {
            verifier = verifier(settings, environment);
            redis = settings.redisUri().map(RedisBackend::connect);
            rateLimiting = rateLimiting(settings, redis);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (failure != null) {
                // a component cannot be built from the fallback values: the configuration errors alone
                err.print(StartupReport.builder(failure).build().renderTable());
            } else {
                err.println("HC-E007 settings rejected while wiring: " + e.getMessage());
            }
            System.exit(EX_CONFIG);
            return;
        }
        // A Redis that is down at boot is an operational condition, not a configuration error: the
        // report says so, the limiter uses RATE_LIMIT_FALLBACK and the job waits for its lease
        // (not waited for when the bind failed: the start is refused anyway, and no line is made of it)
        boolean redisReachable = failure == null && awaitRedis(redis);
        boolean tls = settings.grpcTlsCertFile().isPresent() || settings.grpcTlsKeyFile().isPresent();
        Health health = Health.create();
        ShutdownCoordinator shutdown = ShutdownCoordinator.builder()
                .shutdownDelay(settings.shutdownDelay())
                .drainTimeout(settings.drainTimeout())
                // SAMPLE-GRPC.md: never more than SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s; the watchdog may
                // need up to 100 ms past the budget to halt, hence 1.8 s of slack.
                .totalBudget(settings.shutdownDelay().plus(settings.drainTimeout()).plusMillis(1800))
                .health(health)
                .build();
        StartupReport report = (failure == null ? StartupReport.builder(environment).check(config) : StartupReport.builder(failure))
                .check(shutdown.startupCheck())
                .add(EnvironmentChecks.devModeBinding(environment, settings.bindAddress(), settings.allowDevOnNetwork()))
                .add(Findings.transport(environment, settings.bindAddress(), tls))
                .add(Findings.jobLeases(environment, settings.redisUri().isPresent(), settings.cleanupInterval()))
                .check(verifier)
                .check(rateLimiting.startupCheck())
                .addAll(failure != null ? List.of() : List.of(Findings.redisAtBoot(redis.map(RedisBackend::hosts), redisReachable,
                        REDIS_AT_BOOT, rateLimiting.shared().isPresent() ? Optional.of(settings.rateLimitFallback()) : Optional.empty(),
                        !settings.cleanupInterval().isZero())))
                .build();
        try {
            report.enforce();
        } catch (StartupCheckException e) {
            err.print(report.renderTable());
            verifier.close();
            rateLimiting.close();
            System.exit(EX_CONFIG);
            return;
        }
        out.print(report.renderTable());
        out.flush();

        Server server;
        try {
            server = start(settings, verifier, rateLimiting, health, shutdown);
        } catch (IOException | RuntimeException e) {
            err.println("cannot serve on " + settings.bindAddress() + ":" + settings.grpcPort() + ": " + e.getMessage());
            verifier.close();
            rateLimiting.close();
            System.exit(1);
            return;
        }
        out.println("listening on grpc://" + hostForUrl(settings.bindAddress()) + ":" + server.getPort());
        out.flush();
        // Netty's threads are daemons: the main thread keeps the JVM up until the shutdown
        // coordinator (SIGTERM) has drained the server and exits with the report's status
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param s   the settings (possibly partial: see {@link ConfigException#partialSettings})
     * @param env the environment
     * @return the verifier; in production without an issuer (a failed bind) it trusts no issuer
     *     ({@link TokenVerifier.Builder#allowNoIssuer()}) and its report names none
     */
    static TokenVerifier verifier(GrpcSettings s, AppEnvironment env) {
        TokenVerifier.Builder tokens = TokenVerifier.builder();
        GrpcSettings.Oidc oidc = s.oidc();
        if (oidc.issuer().isEmpty() && env.isProduction()) {
            tokens.allowNoIssuer(); // a failed bind: the report's OIDC_ISSUER line refuses the start
        }
        if (oidc.issuer().isPresent()) {
            String issuer = oidc.issuer().get().toString();
            IssuerPolicy.Builder policy = oidc.jwksUri().isPresent()
                    ? IssuerPolicy.jwksUri(issuer, oidc.jwksUri().get())
                    : IssuerPolicy.discovery(issuer);
            tokens.issuer(policy.audience(oidc.audience().orElse(DEV_AUDIENCE)).build());
        }
        if (!env.isProduction()) {
            DevIssuer dev = DevIssuer.create(DevSecretStore.forEnvironment(env, DevSecretStore.DEFAULT_DIRECTORY),
                    oidc.audience().orElse(DEV_AUDIENCE), TimeSource.system());
            tokens.issuer(dev.policy().build());
        }
        return tokens.build();
    }

    static RateLimiting rateLimiting(GrpcSettings s, Optional<RedisBackend> redis) {
        RateLimiting.Builder limits = RateLimiting.builder().policy(s.rateLimit()).fallback(s.rateLimitFallback());
        s.rateLimitBackend().ifPresent(limits::backend);
        redis.ifPresent(limits::shared);
        return limits.build();
    }

    /** @return whether Redis, if configured, answered within {@link #REDIS_AT_BOOT} */
    private static boolean awaitRedis(Optional<RedisBackend> redis) {
        try {
            return redis.isEmpty() || redis.get().awaitConnected(REDIS_AT_BOOT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Server start(GrpcSettings settings, TokenVerifier verifier, RateLimiting rateLimiting, Health health,
                        ShutdownCoordinator shutdown) throws IOException {
        GrpcCallTracker tracker = GrpcCallTracker.create();
        HealthStatusManager grpcHealth = new HealthStatusManager();
        GrpcHealthStatus healthStatus = GrpcHealthStatus.of(health, grpcHealth, TaskHubApi.SERVICE);
        ExecutorService calls = Executors.newFixedThreadPool(CALL_THREADS);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.grpcPort());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .executor(calls)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(grpcHealth.getHealthService())
                .addService(Wiring.taskHub(new TaskHubService(), Wiring.outermostFirst(tracker, verifier, rateLimiting)));
        if (settings.grpcTlsCertFile().isPresent() || settings.grpcTlsKeyFile().isPresent()) {
            builder.useTransportSecurity(settings.grpcTlsCertFile().orElseThrow(() -> new IllegalStateException(
                            "GRPC_TLS_CERT_FILE: unset (expected: set with GRPC_TLS_KEY_FILE)")).toFile(),
                    settings.grpcTlsKeyFile().orElseThrow(() -> new IllegalStateException(
                            "GRPC_TLS_KEY_FILE: unset (expected: set with GRPC_TLS_CERT_FILE)")).toFile());
        }
        Server server = builder.build();

        shutdown.register(GrpcServerDrain.builder(server).tracker(tracker).healthStatus(healthStatus).build());
        Optional<Runnable> jobsRelease = scheduleCleanup(settings, shutdown);
        // the call threads go after the server has terminated: gRPC needs them until the last call ends
        shutdown.onRelease("grpc-calls", calls::shutdownNow);
        shutdown.onRelease("token-verifier", verifier::close);
        shutdown.onRelease("rate-limiting", rateLimiting::close);
        jobsRelease.ifPresent(r -> shutdown.onRelease("job-leases", r));
        shutdown.install();

        server.start();
        health.markStarted();
        healthStatus.refresh();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grpc-health-refresh");
            t.setDaemon(true);
            return t;
        });
        healthStatus.refreshEvery(timer, Duration.ofSeconds(1));
        verifier.warmUp();
        return server;
    }

    /**
     * Schedules {@code mirror-cleanup} under a fenced lease: in Redis when {@code REDIS_URI} is set
     * (once across replicas; while Redis cannot be reached the job waits, it never runs without the
     * lease), else in this process.
     *
     * @return what releases the leases and closes their connection at shutdown, if the job runs
     */
    static Optional<Runnable> scheduleCleanup(GrpcSettings settings, ShutdownCoordinator shutdown) {
        Duration interval = settings.cleanupInterval();
        if (interval.isZero()) {
            return Optional.empty();
        }
        Duration leaseTtl = interval.compareTo(MAX_JOB_LEASE) < 0 ? interval : MAX_JOB_LEASE;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-cleanup");
            t.setDaemon(true);
            return t;
        });
        LeaseProvider leases;
        Runnable release;
        if (settings.redisUri().isPresent()) {
            RedisJobLeases redis = RedisJobLeases.connect(settings.redisUri().get(), timer, leaseTtl);
            leases = redis;
            release = redis::close;
        } else {
            leases = LocalLeaseProvider.create();
            release = () -> { };
        }
        PeriodicJobs jobs = PeriodicJobs.create(leases, DelayScheduler.of(timer), timer, TimeSource.system());
        jobs.schedule(PeriodicJobs.JobSpec.every("mirror-cleanup", interval).withLeaseTtl(leaseTtl),
                run -> LOG.info("job mirror-cleanup ran (fencing token {})", run.fencingToken()));
        shutdown.register(jobs);
        return Optional.of(release);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
