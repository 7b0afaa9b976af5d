package dev.hardening.spring.autoconfigure;

import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Halter;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.BootDrain;
import dev.hardening.spring.internal.HttpRequestDrain;
import dev.hardening.spring.internal.SignalledShutdown;
import dev.hardening.spring.internal.ShutdownDelay;
import dev.hardening.spring.internal.StarterInstrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The drain budget and watchdog across Boot's shutdown ({@link BootDrain}): schedulers start no new
 * run once the context begins to close, the application's {@code ThreadPoolTaskExecutor}s and
 * {@code ThreadPoolTaskScheduler}s finish their work after the web server's graceful stop, by the
 * deadline {@code shutdown-delay + drain-timeout}, or are cut and named in the log, and a close
 * that overruns the whole budget is halted with status 2. All inside Boot's own shutdown hook.
 * The drain timeout is {@code hardening.lifecycle.drain-timeout}, else
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, else 30 s. Each bean backs off when the
 * application defines its own; off with {@code hardening.lifecycle.enabled=false}.
 */
@AutoConfiguration(after = HardeningLifecycleAutoConfiguration.class)
@ConditionalOnProperty(prefix = "hardening.lifecycle", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningDrainAutoConfiguration {

    /** Created by Spring. */
    public HardeningDrainAutoConfiguration() {
    }

    /** @return what halts the JVM when the watchdog fires: {@code Runtime.halt} */
    @Bean
    @ConditionalOnMissingBean
    public Halter hardeningHalter() {
        return Halter.runtime();
    }

    /**
     * @param properties  the starter's properties
     * @param environment Spring's environment ({@code spring.lifecycle.timeout-per-shutdown-phase})
     * @param context     the context drained
     * @param delay       Boot's shutdown delay, when the web lifecycle is installed
     * @param schedulers  what measures the watchdog's budget (the starter's or the application's)
     * @param halter      what halts the JVM
     * @param time        the application's time source, if it defines one
     * @param listeners   the application's shutdown listeners
     * @param instrumentation the meters to bind, if any
     * @param http        the requests in flight, in a servlet web application
     * @return the drain
     */
    @Bean
    @ConditionalOnMissingBean
    public BootDrain hardeningBootDrain(HardeningProperties properties, Environment environment,
                                        ConfigurableApplicationContext context, ObjectProvider<ShutdownDelay> delay,
                                        ObjectProvider<DelayScheduler> schedulers, Halter halter,
                                        ObjectProvider<TimeSource> time, ObjectProvider<ShutdownListener> listeners,
                                        ObjectProvider<StarterInstrumentation> instrumentation,
                                        ObjectProvider<HttpRequestDrain> http) {
        HardeningProperties.Lifecycle p = properties.getLifecycle();
        Duration drain = p.getDrainTimeout();
        if (drain == null || drain.isNegative()) {
            try {
                drain = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                        .orElse(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                drain = Duration.ofSeconds(30);
            }
        }
        ShutdownDelay d = delay.getIfAvailable();
        List<ShutdownListener> all = new ArrayList<>();
        listeners.orderedStream().forEach(all::add);
        all.addAll(instrumentation.getIfAvailable(() -> StarterInstrumentation.NONE).shutdownListeners());
        DelayScheduler scheduler = schedulers.getIfAvailable(() -> (after, task) -> {
            CompletableFuture<Void> f = CompletableFuture.runAsync(task,
                    CompletableFuture.delayedExecutor(Math.max(0, after.toNanos()), TimeUnit.NANOSECONDS));
            return () -> f.cancel(false);
        });
        return new BootDrain(context, d == null ? Duration.ZERO : d.delay(), drain, p.isDrainExecutors(), p.isWatchdog(),
                scheduler, halter, time.getIfAvailable(TimeSource::system), all, Optional.ofNullable(http.getIfAvailable()));
    }

    /**
     * @param context the application's context
     * @param drain   the drain whose report decides the status
     * @return what makes SIGTERM / SIGINT close the context on its own thread and exit 0 when
     *     everything drained, 1 when work was cut; off with {@code hardening.lifecycle.handle-signals=false}
     */
    @Bean
    @ConditionalOnProperty(prefix = "hardening.lifecycle", name = "handle-signals", matchIfMissing = true)
    public SignalledShutdown hardeningSignalledShutdown(ConfigurableApplicationContext context, BootDrain drain) {
        return new SignalledShutdown(context, drain);
    }

    /** The requests in flight of a servlet web application: tracked, drained by {@link BootDrain}, cut with 503. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Http {
        /** Order of the tracking filter: outermost, before the {@code Connection: close} filter. */
        static final int FILTER_ORDER = HardeningLifecycleAutoConfiguration.FILTER_ORDER - 50;

        /** @return the requests in flight */
        @Bean
        @ConditionalOnMissingBean
        HttpRequestDrain hardeningHttpRequestDrain() {
            return new HttpRequestDrain();
        }

        /**
         * @param drain the requests in flight
         * @return its tracking filter, first for every path
         */
        @Bean
        FilterRegistrationBean<OncePerRequestFilter> hardeningHttpRequestDrainFilter(HttpRequestDrain drain) {
            FilterRegistrationBean<OncePerRequestFilter> reg = new FilterRegistrationBean<>(drain.filter());
            reg.setName("hardeningHttpRequestDrainFilter");
            reg.setOrder(FILTER_ORDER);
            return reg;
        }
    }

    /**
     * @return a post-processor that lets the application's executors and schedulers accept work
     *     after the close begins (Spring would otherwise refuse it at once, while requests are still
     *     served during the shutdown delay), so that {@link BootDrain} drains them on the budget
     */
    @Bean
    @ConditionalOnProperty(prefix = "hardening.lifecycle", name = "drain-executors", matchIfMissing = true)
    public static BeanPostProcessor hardeningExecutorsJoinTheDrain() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
                if (bean instanceof ExecutorConfigurationSupport) {
                    ((ExecutorConfigurationSupport) bean).setAcceptTasksAfterContextClose(true);
                }
                return bean;
            }
        };
    }
}
