package dev.hardening.spring.autoconfigure;

import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.ConfigProblem;
import dev.hardening.config.Finding;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.RotatingSecret;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.GitHubWebhookFilter;
import dev.hardening.spring.internal.PropertyVariables;
import dev.hardening.spring.internal.StarterCheck;
import dev.hardening.spring.internal.StartupReportEnforcer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import dev.hardening.spring.internal.StarterInstrumentation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;

/**
 * GitHub webhook verification for {@code hardening.webhooks.github.paths} (on only when paths are
 * configured): the secret is read as hardening-config reads secrets — {@code WEBHOOK_SECRET},
 * {@code WEBHOOK_SECRET_FILE} (re-read when the file changes: rotation without restart),
 * {@code WEBHOOK_SECRET_PREVIOUS(_FILE)} still accepted during a rotation — from any of Spring's
 * property sources (environment, system properties, {@code application.yml}), checked by the secret
 * policy; problems are FAIL lines of the startup report. The paths are taken out of Spring
 * Security's chain (their signature is their authentication) and verified by a filter that runs
 * before it; repeated delivery ids are answered {@code duplicate} through the rate limiter's dedup
 * store (in Redis when the limiter uses Redis).
 */
@AutoConfiguration(after = HardeningRateLimitAutoConfiguration.class)
@ConditionalOnClass(name = "jakarta.servlet.Filter")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(HardeningWebhookAutoConfiguration.PathsConfigured.class)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningWebhookAutoConfiguration {

    /** Order of the webhook filter: before Spring Security's filter (-100), after the problem filter (-110). */
    public static final int FILTER_ORDER = -105;

    private static final Pattern VARIABLE = Pattern.compile("([A-Z][A-Z0-9_]*_)?SECRET");

    /** Created by Spring. */
    public HardeningWebhookAutoConfiguration() {
    }

    /** The secret binding, named by the variable's prefix. */
    record Binding(@SecretSetting(purpose = SecretPurpose.TOKEN) Optional<RotatingSecret> secret) {
    }

    /** What the webhook filter and its report lines are built from. */
    static final class Secrets {
        final String variable;
        final Optional<RotatingSecret> secret;
        final List<Finding> problems;
        final Optional<StartupCheck> binding;

        Secrets(String variable, Optional<RotatingSecret> secret, List<Finding> problems, Optional<StartupCheck> binding) {
            this.variable = variable;
            this.secret = secret;
            this.problems = problems;
            this.binding = binding;
        }
    }

    static Secrets bind(String variable, Environment environment, AppEnvironment mode, TimeSource time) {
        String name = variable == null ? "" : variable.strip();
        if (!VARIABLE.matcher(name).matches()) {
            return new Secrets("WEBHOOK_SECRET", Optional.empty(), List.of(PropertyVariables.problem(environment,
                    ProblemCode.UNPARSABLE, "hardening.webhooks.github.secret-variable",
                    PropertyVariables.quote(name) + " is not a variable name ending in SECRET",
                    "write upper case letters, digits and underscores ending in SECRET, such as WEBHOOK_SECRET")),
                    Optional.empty());
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(AppEnvironment.VARIABLE, mode.name().toLowerCase(Locale.ROOT));
        for (String suffix : List.of("", "_FILE", "_PREVIOUS", "_PREVIOUS_FILE")) {
            String value = environment.getProperty(name + suffix);
            if (value != null && !value.isEmpty()) {
                env.put(name + suffix, value);
            }
        }
        HardeningConfig.Builder config = HardeningConfig.builder().environment(env).timeSource(time);
        String prefix = name.substring(0, name.length() - "SECRET".length());
        if (!prefix.isEmpty()) {
            config.prefix(prefix);
        }
        try {
            BoundConfig<Binding> bound = config.build().bind(Binding.class);
            // the mode line (HC-M001) is the report's own, printed once
            StartupCheck secretLines = current -> bound.findings(current).stream()
                    .filter(f -> !f.id().equals(StartupReportEnforcer.MODE_ID)).toList();
            return new Secrets(name, bound.settings().secret(), List.of(), Optional.of(secretLines));
        } catch (ConfigException e) {
            List<Finding> problems = new ArrayList<>();
            for (ConfigProblem p : e.problems()) {
                problems.add(PropertyVariables.line(p));
            }
            return new Secrets(name, Optional.empty(), problems, Optional.empty());
        }
    }

    /**
     * @param properties     the starter's properties
     * @param environment    Spring's environment, where the secret variables are looked up
     * @param appEnvironment the mode
     * @param rateLimiting   the rate limiting, whose dedup store remembers delivery ids
     * @param instrumentation the meters to bind ({@code webhook="github"}, {@code store="github"}), if any
     * @return the verifying filter, at {@link #FILTER_ORDER}
     */
    @Bean
    public FilterRegistrationBean<GitHubWebhookFilter> hardeningGitHubWebhookFilter(
            HardeningProperties properties, Environment environment, AppEnvironment appEnvironment,
            ObjectProvider<RateLimiting> rateLimiting, ObjectProvider<StarterInstrumentation> instrumentation) {
        StarterInstrumentation observe = instrumentation.getIfAvailable(() -> StarterInstrumentation.NONE);
        HardeningProperties.GitHub github = properties.getWebhooks().getGithub();
        Secrets secrets = bind(github.getSecretVariable(), environment, appEnvironment, TimeSource.system());
        GitHubWebhookVerifier verifier = GitHubWebhookVerifier.of(secrets.variable,
                secrets.secret.isPresent() ? secrets.secret.get()::current : Optional::empty);
        Optional<DedupStore> dedup = Optional.empty();
        if (github.isDedup()) {
            RateLimiting rl = rateLimiting.getIfAvailable();
            dedup = Optional.of(observe.dedup(rl != null ? rl.dedupStore("github", DedupStore.DEFAULT_TTL)
                    : DedupStore.local(DedupStore.DEFAULT_TTL, DedupStore.DEFAULT_LOCAL_CAPACITY, TimeSource.system()),
                    "github"));
        }
        List<StartupCheck> checks = new ArrayList<>();
        checks.add(verifier);
        secrets.binding.ifPresent(checks::add);
        FilterRegistrationBean<GitHubWebhookFilter> reg = new FilterRegistrationBean<>(
                new GitHubWebhookFilter(github.getPaths(), observe.webhook(verifier, "github"), dedup));
        reg.setName("hardeningGitHubWebhookFilter");
        reg.setOrder(FILTER_ORDER);
        reg.addUrlPatterns(github.getPaths().toArray(new String[0]));
        this.check = new StarterCheck(secrets.problems, checks);
        return reg;
    }

    private StarterCheck check;

    /**
     * @param filter the webhook filter (built first)
     * @return the verifier's and the secret's findings ({@code HA-W…}, {@code HC-S…}) and the binding's problems
     */
    @Bean
    public StartupCheck hardeningWebhookCheck(FilterRegistrationBean<GitHubWebhookFilter> filter) {
        return check;
    }

    /** Takes the webhook paths out of Spring Security: their signature is their authentication. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer")
    static class Security {
        /**
         * @param properties the starter's properties
         * @return a customizer ignoring the webhook paths
         */
        @Bean
        WebSecurityCustomizer hardeningWebhookSecurity(HardeningProperties properties) {
            String[] paths = properties.getWebhooks().getGithub().getPaths().toArray(new String[0]);
            return web -> web.ignoring().requestMatchers(paths);
        }
    }

    /**
     * Matches when {@code hardening.webhooks.github.paths} holds a path, whether written as a
     * comma-separated value or as a YAML list ({@code paths[0]}, which a property placeholder does not see).
     */
    static final class PathsConfigured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean any = Binder.get(context.getEnvironment())
                    .bind("hardening.webhooks.github.paths", Bindable.listOf(String.class))
                    .map(paths -> paths.stream().anyMatch(p -> p != null && !p.isBlank())).orElse(false);
            return any ? ConditionOutcome.match("hardening.webhooks.github.paths is set")
                    : ConditionOutcome.noMatch("no hardening.webhooks.github.paths");
        }
    }
}
