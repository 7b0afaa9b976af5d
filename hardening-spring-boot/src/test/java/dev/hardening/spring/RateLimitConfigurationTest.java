package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.FindingStatus;
import dev.hardening.config.StartupReport;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.spring.autoconfigure.HardeningRateLimitAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningStartupAutoConfiguration;
import dev.hardening.spring.internal.PathMatchingFilter;
import dev.hardening.spring.internal.StartupReportEnforcer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The rate limit auto-configuration: its report lines, its Redis choice, and backing off. */
class RateLimitConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HardeningStartupAutoConfiguration.class,
                    HardeningRateLimitAutoConfiguration.class))
            .withPropertyValues("server.address=127.0.0.1");

    private static StartupReport refused(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof StartupRefusedException) {
                return ((StartupRefusedException) x).report();
            }
        }
        throw new AssertionError("no StartupRefusedException in " + t);
    }

    @Test
    void everyUnusablePropertyIsAFailLineOfOneReport() {
        runner.withPropertyValues("hardening.environment=test", "hardening.rate-limit.limits=0/1m",
                "hardening.rate-limit.fallback=sideways", "hardening.rate-limit.backend=disk",
                "hardening.rate-limit.trusted-proxies=not-a-cidr").run(ctx -> {
            assertThat(ctx).hasFailed();
            StartupReport report = refused(ctx.getStartupFailure());
            // no placeholders: the lines name the properties (a variable only when one was mapped)
            assertThat(report.lines()).filteredOn(l -> l.finding().id().equals("HC-E002"))
                    .extracting(l -> l.finding().subject())
                    .containsExactlyInAnyOrder("hardening.rate-limit.limits", "hardening.rate-limit.fallback",
                            "hardening.rate-limit.backend", "hardening.rate-limit.trusted-proxies");
        });
    }

    @Test
    void inMemoryInProductionIsAFailUnlessChosen() {
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(refused(ctx.getStartupFailure()).lines()).anySatisfy(l -> {
                assertThat(l.finding().id()).isEqualTo("HR-B001");
                assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.FAIL);
            });
        });
        runner.withPropertyValues("hardening.rate-limit.backend=memory").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                    .filteredOn(l -> l.finding().id().equals("HR-B001")).singleElement()
                    .satisfies(l -> assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.WARN));
            assertThat(ctx.getBean(RateLimiting.class).shared()).isEmpty();
        });
    }

    @Test
    void aRedisUriPropertyIsUsedWithoutConnectingAtStartup() {
        runner.withPropertyValues("hardening.environment=test",
                "hardening.rate-limit.redis-uri=redis://:pw-not-shown@127.0.0.1:1").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            RateLimiting rl = ctx.getBean(RateLimiting.class);
            assertThat(rl.shared()).isPresent();
            assertThat(rl.shared().get().description()).contains("127.0.0.1:1").doesNotContain("pw-not-shown");
            // nothing answers on port 1: the report says so, and what the service does meanwhile
            assertThat(ctx.getBean(StartupReportEnforcer.class).report().lines())
                    .filteredOn(l -> l.finding().id().equals(HardeningRateLimitAutoConfiguration.REDIS_AT_BOOT_FINDING))
                    .singleElement().satisfies(l -> {
                        assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.WARN);
                        assertThat(l.finding().subject()).isEqualTo("hardening.rate-limit.redis-uri");
                        assertThat(l.finding().detail()).isEqualTo("Redis at 127.0.0.1:1 did not answer within 5 s"
                                + " of boot: rate limits follow the fallback (local) and DPoP-bound requests are"
                                + " refused until it answers");
                    });
        });
    }

    @Test
    void backsOffForTheApplicationsOwnRateLimiting() {
        RateLimiting mine = RateLimiting.builder().build();
        runner.withPropertyValues("hardening.environment=test")
                .withBean(RateLimiting.class, () -> mine).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(RateLimiting.class)).isSameAs(mine);
                    assertThat(ctx).hasBean("hardeningRateLimitFilter");
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void anonymousCallersAreKeyedByAddressBelievingOnlyTrustedProxies() {
        runner.withPropertyValues("hardening.environment=test", "hardening.rate-limit.backend=memory",
                "hardening.rate-limit.limits=1/1m", "hardening.rate-limit.trusted-proxies=10.0.0.0/8").run(ctx -> {
            PathMatchingFilter filter = ((FilterRegistrationBean<PathMatchingFilter>)
                    ctx.getBean("hardeningRateLimitFilter")).getFilter();
            assertThat(status(filter, "/api/x", "10.0.0.1", "203.0.113.5")).isEqualTo(200);
            assertThat(status(filter, "/api/y", "10.0.0.2", "203.0.113.5"))
                    .as("the same client behind another trusted proxy").isEqualTo(429);
            assertThat(status(filter, "/api/x", "10.0.0.1", "203.0.113.6")).isEqualTo(200);
            assertThat(status(filter, "/api/x", "198.51.100.1", "203.0.113.5"))
                    .as("an untrusted peer's X-Forwarded-For is ignored: keyed by the peer").isEqualTo(200);
            assertThat(status(filter, "/api/x", "198.51.100.1", "203.0.113.9")).isEqualTo(429);
            assertThat(status(filter, "/other", "198.51.100.1", null)).as("outside the patterns").isEqualTo(200);
        });
    }

    private static int status(PathMatchingFilter filter, String path, String peer, String forwardedFor) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRemoteAddr(peer);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> ((MockHttpServletResponse) res).setStatus(200));
        return response.getStatus();
    }

    @Test
    void switchedOffByProperty() {
        runner.withPropertyValues("hardening.environment=test", "hardening.rate-limit.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(RateLimiting.class).doesNotHaveBean("hardeningRateLimitFilter");
        });
    }
}
