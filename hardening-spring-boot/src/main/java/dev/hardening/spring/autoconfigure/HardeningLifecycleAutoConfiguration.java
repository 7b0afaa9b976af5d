package dev.hardening.spring.autoconfigure;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.StartupCheck;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.ShutdownDelay;
import dev.hardening.spring.internal.PropertyVariables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Shutdown in Boot's own order: readiness turns {@code REFUSING_TRAFFIC} (Boot's availability
 * events, which {@code /actuator/health/readiness} follows), requests keep being served with
 * {@code Connection: close} for {@code hardening.lifecycle.shutdown-delay} (default 0 s in dev and
 * test, 5 s in production), then Boot's graceful web-server stop lets in-flight requests finish
 * within {@code spring.lifecycle.timeout-per-shutdown-phase}. Everything runs inside Boot's shutdown
 * hook: the starter adds no JVM shutdown hook of its own. Findings: {@code HS-L001} (FAIL) the delay
 * does not fit in Spring's per-phase timeout; {@code HS-L002} (WARN in production) Boot's graceful
 * shutdown is off ({@code server.shutdown=immediate}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "hardening.lifecycle", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningLifecycleAutoConfiguration {

    /** Shutdown delay in production when none is configured. */
    public static final Duration DEFAULT_PRODUCTION_DELAY = Duration.ofSeconds(5);
    /** Spring's own default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    static final Duration SPRING_PHASE_TIMEOUT = Duration.ofSeconds(30);
    /** Order of the {@code Connection: close} filter: outermost, so every response carries it. */
    public static final int FILTER_ORDER = Integer.MIN_VALUE + 100;

    /** Created by Spring. */
    public HardeningLifecycleAutoConfiguration() {
    }

    /**
     * @return a scheduler on the JDK's shared delayed executor (daemon threads, nothing to close)
     */
    @Bean
    @ConditionalOnMissingBean
    public DelayScheduler hardeningDelayScheduler() {
        return (delay, task) -> {
            CompletableFuture<Void> f = CompletableFuture.runAsync(task,
                    CompletableFuture.delayedExecutor(Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS));
            return () -> f.cancel(false);
        };
    }

    /**
     * @param properties     the starter's properties
     * @param appEnvironment the mode (for the default delay)
     * @param scheduler      what measures the delay
     * @param events         where readiness changes are published
     * @return the shutdown delay lifecycle
     */
    @Bean
    @ConditionalOnMissingBean
    public ShutdownDelay hardeningShutdownDelay(HardeningProperties properties, AppEnvironment appEnvironment,
                                                DelayScheduler scheduler, ApplicationEventPublisher events) {
        Duration configured = properties.getLifecycle().getShutdownDelay();
        Duration delay = configured != null && !configured.isNegative() ? configured
                : appEnvironment.isProduction() ? DEFAULT_PRODUCTION_DELAY : Duration.ZERO;
        return new ShutdownDelay(delay, scheduler, events);
    }

    /**
     * @param delay the shutdown delay
     * @return the filter adding {@code Connection: close} during the delay
     */
    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> hardeningConnectionCloseFilter(ShutdownDelay delay) {
        FilterRegistrationBean<OncePerRequestFilter> reg = new FilterRegistrationBean<>(delay.filter());
        reg.setName("hardeningConnectionCloseFilter");
        reg.setOrder(FILTER_ORDER);
        return reg;
    }

    /**
     * @param properties  the starter's properties
     * @param delay       the shutdown delay
     * @param environment Spring's environment ({@code spring.lifecycle.*}, {@code server.shutdown})
     * @return the shutdown findings
     */
    @Bean
    public StartupCheck hardeningLifecycleCheck(HardeningProperties properties, ShutdownDelay delay, Environment environment) {
        Duration perPhase;
        String perPhaseProblem = null;
        try {
            perPhase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                    .orElse(SPRING_PHASE_TIMEOUT);
        } catch (RuntimeException e) {
            perPhase = SPRING_PHASE_TIMEOUT;
            perPhaseProblem = "not a duration";
        }
        Duration phaseTimeout = perPhase;
        String phaseProblem = perPhaseProblem;
        String shutdown = environment.getProperty("server.shutdown", "graceful").strip().toLowerCase(Locale.ROOT);
        Duration configured = properties.getLifecycle().getShutdownDelay();
        return env -> {
            List<Finding> out = new ArrayList<>();
            if (phaseProblem != null) {
                out.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE,
                        "spring.lifecycle.timeout-per-shutdown-phase", phaseProblem, "write a duration such as 30s"));
            }
            if (configured != null && configured.isNegative()) {
                out.add(Finding.fail("HS-L001", "graceful shutdown", "hardening.lifecycle.shutdown-delay",
                        "negative shutdown delay " + configured, "0s or more, such as 5s"));
            } else if (delay.delay().compareTo(phaseTimeout) >= 0) {
                out.add(Finding.fail("HS-L001", "graceful shutdown", "hardening.lifecycle.shutdown-delay",
                        "shutdown delay " + delay.delay() + " does not fit in spring.lifecycle.timeout-per-shutdown-phase "
                                + phaseTimeout + ": Spring would cut it short",
                        "keep the delay well below the per-phase timeout"));
            } else {
                out.add(Finding.pass("HS-L001", "graceful shutdown", "hardening.lifecycle.shutdown-delay",
                        "readiness 503, then " + delay.delay() + " of serving with Connection: close, then Boot's graceful "
                                + "stop within " + phaseTimeout + " (spring.lifecycle.timeout-per-shutdown-phase)", "none"));
            }
            if (!shutdown.equals("graceful")) {
                Finding f = Finding.warn("HS-L002", "graceful shutdown", "server.shutdown",
                        "server.shutdown=" + shutdown + ": in-flight requests are cut when the process stops",
                        "remove server.shutdown (graceful is Boot's default)");
                out.add(env.isProduction() ? f : f.withStatus(dev.hardening.config.FindingStatus.PASS));
            }
            return out;
        };
    }
}
