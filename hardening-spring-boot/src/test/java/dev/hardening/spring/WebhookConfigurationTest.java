package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.config.FindingStatus;
import dev.hardening.config.StartupReport;
import dev.hardening.spring.autoconfigure.HardeningRateLimitAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningStartupAutoConfiguration;
import dev.hardening.spring.autoconfigure.HardeningWebhookAutoConfiguration;
import dev.hardening.spring.internal.GitHubWebhookFilter;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The webhook auto-configuration: off without paths, 503 without a secret, report lines. */
class WebhookConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HardeningStartupAutoConfiguration.class,
                    HardeningRateLimitAutoConfiguration.class, HardeningWebhookAutoConfiguration.class))
            .withPropertyValues("server.address=127.0.0.1", "hardening.rate-limit.backend=memory");

    private static StartupReport refused(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof StartupRefusedException) {
                return ((StartupRefusedException) x).report();
            }
        }
        throw new AssertionError("no StartupRefusedException in " + t);
    }

    @Test
    void offWithoutPaths() {
        runner.withPropertyValues("hardening.environment=test").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean("hardeningGitHubWebhookFilter");
        });
    }

    @Test
    void onWithPathsWrittenAsAYamlList() {
        runner.withPropertyValues("hardening.environment=test", "hardening.webhooks.github.paths[0]=/hooks/gh").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).hasBean("hardeningGitHubWebhookFilter");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutASecretOutsideProductionDeliveriesAre503NeverPassed() {
        runner.withPropertyValues("hardening.environment=test", "hardening.webhooks.github.paths=/hooks/gh").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            GitHubWebhookFilter filter = ((FilterRegistrationBean<GitHubWebhookFilter>)
                    ctx.getBean("hardeningGitHubWebhookFilter")).getFilter();
            MockHttpServletRequest request = new MockHttpServletRequest("POST", "/hooks/gh");
            request.setContent("{}".getBytes());
            request.addHeader("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
            request.addHeader("X-GitHub-Delivery", "d-1");
            MockHttpServletResponse response = new MockHttpServletResponse();
            FilterChain mustNotRun = (req, res) -> {
                throw new AssertionError("the handler ran without verification");
            };
            filter.doFilter(request, response, mustNotRun);
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
            assertThat(response.getContentAsString()).contains("\"code\":\"secret_unset\"");
        });
    }

    @Test
    void inProductionAMissingOrWeakSecretIsAFailLineWithTheOthers() {
        runner.withPropertyValues("hardening.webhooks.github.paths=/hooks/gh", "hardening.rate-limit.limits=0/1m").run(ctx -> {
            StartupReport report = refused(ctx.getStartupFailure());
            assertThat(report.lines()).anySatisfy(l -> {
                assertThat(l.finding().id()).isEqualTo("HA-W001");
                assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.FAIL);
            });
            assertThat(report.lines()).anySatisfy(l -> assertThat(l.finding().subject()).isEqualTo("hardening.rate-limit.limits"));
        });
        runner.withPropertyValues("hardening.webhooks.github.paths=/hooks/gh", "WEBHOOK_SECRET=short").run(ctx -> {
            StartupReport report = refused(ctx.getStartupFailure());
            assertThat(report.lines()).as("the secret policy refuses it").anySatisfy(l -> {
                assertThat(l.finding().subject()).isEqualTo("WEBHOOK_SECRET");
                assertThat(l.effectiveStatus()).isEqualTo(FindingStatus.FAIL);
            });
            assertThat(report.renderTable()).doesNotContain("short\n");
        });
    }

    @Test
    void aCustomVariableNameMustEndInSecret() {
        runner.withPropertyValues("hardening.environment=test", "hardening.webhooks.github.paths=/hooks/gh",
                "hardening.webhooks.github.secret-variable=github-key").run(ctx ->
                assertThat(refused(ctx.getStartupFailure()).lines()).anySatisfy(l ->
                        assertThat(l.finding().subject()).isEqualTo("hardening.webhooks.github.secret-variable")));
    }
}
