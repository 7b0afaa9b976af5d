package dev.hardening.example;

import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.DefaultValue;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.Range;
import dev.hardening.config.StartupReport;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Health;
import dev.hardening.lifecycle.ShutdownCoordinator;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.micrometer.RateLimitMetrics;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.RateLimiting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a team writes after adding the BOM and the modules: each module wired in a few lines and
 * made to do its job once. Exits 1 on the first module that misbehaves.
 */
public final class ConsumerApp {

    /** The team's settings. */
    record Settings(@DefaultValue("8080") @Range(min = 0, max = 65535) int port) {}

    private ConsumerApp() {}

    /**
     * Runs every module once.
     *
     * @param args ignored
     * @throws Exception if a module cannot be wired at all
     */
    public static void main(String[] args) throws Exception {
        // hardening-config: typed settings from an injected environment, then the startup report
        BoundConfig<Settings> config = HardeningConfig.builder()
                .environment(Map.of("APP_ENV", "dev", "PORT", "9090")).build().bind(Settings.class);
        StartupReport report = StartupReport.builder(config).build();
        check("config", config.settings().port() == 9090 && !report.hasFailures());

        // hardening-auth: a dev issuer's token passes the verifier; garbage is rejected
        DevSecretStore store = DevSecretStore.forEnvironment(config.environment(), Files.createTempDirectory("dev-secrets"));
        DevIssuer issuer = DevIssuer.create(store, "consumer", TimeSource.system());
        TokenVerifier verifier = TokenVerifier.builder().issuer(issuer.policy().build()).build();
        check("auth", verifier.verify(issuer.mint("alice", Duration.ofMinutes(5))).subject().equals("alice"));
        check("auth rejects", rejects(verifier, "not-a-token"));

        // hardening-spring-boot: Spring Security's JwtDecoder backed by the verifier
        check("spring-boot", dev.hardening.spring.HardeningJwtDecoder.of(verifier)
                .decode(issuer.mint("bob", Duration.ofMinutes(5))).getSubject().equals("bob"));

        // hardening-ratelimit (+ hardening-micrometer): two per minute; the third is refused and counted
        RateLimiting limits = RateLimiting.builder().policy(RateLimitPolicy.parse("2/1m")).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RateLimitMetrics.bind(limits, "api", registry);
        RateLimiter limiter = limits.limiter();
        check("ratelimit", limiter.tryAcquire("bob").allowed() && limiter.tryAcquire("bob").allowed()
                && !limiter.tryAcquire("bob").allowed());
        check("micrometer", registry.find(RateLimitMetrics.DECISIONS).counters().stream()
                .mapToDouble(c -> c.count()).sum() == 3);

        // hardening-lifecycle: ready once started, not ready once the drain ran
        Health health = Health.create();
        ShutdownCoordinator shutdown = ShutdownCoordinator.builder().health(health).build();
        health.markStarted();
        check("lifecycle ready", health.isReady());
        ShutdownReport drained = shutdown.shutdown();
        check("lifecycle drain", drained.fullyDrained() && !health.isReady());

        // every jar carries its module name (Automatic-Module-Name)
        for (Class<?> api : List.of(HardeningConfig.class, TokenVerifier.class, RateLimiter.class,
                Health.class, RateLimitMetrics.class)) {
            Path jar = Path.of(api.getProtectionDomain().getCodeSource().getLocation().toURI());
            String name = ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor)
                    .map(d -> d.name()).findFirst().orElse("?");
            check("module name " + name, name.equals(api.getPackageName()));
        }
        System.out.println("consumer: every published module works from the deployed artifacts");
    }

    private static boolean rejects(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return false;
        } catch (TokenRejectedException expected) {
            return true;
        }
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
