package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.FindingStatus;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.spring.app.TestApplication;
import dev.hardening.spring.autoconfigure.HardeningLifecycleAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningStartupAutoConfiguration;
import dev.hardening.spring.internal.ShutdownDelay;
import dev.hardening.spring.internal.StartupReportEnforcer;
import dev.hardening.testkit.FakeTime;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Shutdown of a real Boot application (embedded Tomcat, Boot's graceful shutdown): readiness turns
 * to refusing traffic, requests are still served — with {@code Connection: close} — for the whole
 * delay, and the web server stops only once the delay has passed. The delay runs on a
 * {@link FakeTime}, so the test moves time instead of sleeping.
 */
class ShutdownTest {

    static final FakeTime TIME = FakeTime.create();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PASSWORD = "u-" + java.util.UUID.randomUUID();

    /** The test's clock for the delay. */
    @Configuration(proxyBeanMethods = false)
    static class FakeScheduler {
        @Bean
        DelayScheduler delayScheduler() {
            return (delay, task) -> TIME.schedule(delay, task)::cancel;
        }
    }

    private static boolean poll(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return true;
    }

    @Test
    void servesWithConnectionCloseThroughTheDelayThenStopsTheWebServer() throws Exception {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApplication.class, FakeScheduler.class)
                .registerShutdownHook(false)
                .properties("server.port=0", "server.address=127.0.0.1", "hardening.environment=test",
                        "hardening.rate-limit.backend=memory", "hardening.lifecycle.shutdown-delay=10s",
                        "spring.security.user.name=u", "spring.security.user.password=" + PASSWORD)
                .run();
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        ApplicationAvailability availability = ctx.getBean(ApplicationAvailability.class);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(hello(port).headers().firstValue("Connection")).isEmpty();

        Thread closer = new Thread(ctx::close, "closer");
        closer.start();
        // the Boot drain's watchdog is scheduled on the same clock (10s + 30s + 2s), so look for the delay itself
        assertThat(poll(Duration.ofSeconds(30), () -> TIME.delays().contains(Duration.ofSeconds(10))))
                .as("the delay began").isTrue();
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);

        HttpResponse<String> during = hello(port);
        assertThat(during.statusCode()).as("still served during the delay").isEqualTo(200);
        assertThat(during.body()).isEqualTo("ok");
        assertThat(during.headers().firstValue("Connection")).hasValue("close");
        assertThat(closer.isAlive()).as("the web server waits for the delay").isTrue();

        TIME.advance(Duration.ofSeconds(10));
        closer.join(Duration.ofSeconds(60).toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    private static HttpResponse<String> hello(int port) throws Exception {
        String basic = Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** For the tests that check only the configured delay: the delay at context close elapses at once. */
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HardeningStartupAutoConfiguration.class,
                    HardeningLifecycleAutoConfiguration.class))
            .withBean(DelayScheduler.class, () -> (delay, task) -> {
                task.run();
                return () -> { };
            })
            .withPropertyValues("server.address=127.0.0.1");

    @Test
    void defaultsToFiveSecondsInProductionAndNoneInDev() {
        runner.run(ctx -> assertThat(ctx.getBean(ShutdownDelay.class).delay()).isEqualTo(Duration.ofSeconds(5)));
        runner.withPropertyValues("hardening.environment=dev")
                .run(ctx -> assertThat(ctx.getBean(ShutdownDelay.class).delay()).isZero());
        runner.run(ctx -> assertThat(ctx.getBean(ShutdownDelay.class).getPhase())
                .as("above Boot's graceful web-server stop (DEFAULT_PHASE - 1024)")
                .isGreaterThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024));
    }

    @Test
    void aDelayThatDoesNotFitSpringsPhaseTimeoutIsAFail() {
        runner.withPropertyValues("hardening.environment=test", "hardening.lifecycle.shutdown-delay=40s").run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            while (!(t instanceof StartupRefusedException)) {
                t = t.getCause();
            }
            assertThat(((StartupRefusedException) t).report().lines()).anySatisfy(l -> {
                assertThat(l.finding().id()).isEqualTo("HS-L001");
                assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.FAIL);
            });
        });
        runner.withPropertyValues("hardening.environment=test", "hardening.lifecycle.shutdown-delay=40s",
                "spring.lifecycle.timeout-per-shutdown-phase=60s").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                    .filteredOn(l -> l.finding().id().equals("HS-L001")).singleElement()
                    .satisfies(l -> assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.PASS));
        });
    }

    @Test
    void theDrainTimeoutBecomesBootsPhaseTimeoutUnlessSpringsIsSet() {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApplication.class)
                .web(org.springframework.boot.WebApplicationType.NONE).registerShutdownHook(false)
                .properties("hardening.environment=test", "hardening.rate-limit.backend=memory", "server.address=127.0.0.1",
                        "hardening.lifecycle.drain-timeout=12s").run()) {
            assertThat(ctx.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("12s");
        }
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApplication.class)
                .web(org.springframework.boot.WebApplicationType.NONE).registerShutdownHook(false)
                .properties("hardening.environment=test", "hardening.rate-limit.backend=memory", "server.address=127.0.0.1",
                        "hardening.lifecycle.drain-timeout=12s", "spring.lifecycle.timeout-per-shutdown-phase=45s").run()) {
            assertThat(ctx.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("45s");
        }
    }

    @Test
    void switchedOffByProperty() {
        runner.withPropertyValues("hardening.environment=test", "hardening.lifecycle.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ShutdownDelay.class));
    }
}
