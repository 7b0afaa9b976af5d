package dev.hardening.spring.autoconfigure;

import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.ListeningAnnouncer;
import dev.hardening.spring.internal.ProbeFilter;
import java.util.Optional;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What an orchestrator and an operator see of a servlet application: plain-text probes on the
 * application's port ({@code hardening.probes.liveness-path} / {@code readiness-path}, off unless
 * set) from Boot's availability state, and the {@code listening on http://HOST:PORT} line once
 * the web server accepts connections ({@code hardening.announce-listening}, default true). Each
 * bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningProbesAutoConfiguration {

    /**
     * Order of the probe filter: after the shutdown's {@code Connection: close} filter, before
     * Spring Security (-100), so probes need no security rule.
     */
    public static final int FILTER_ORDER = -130;

    /** Created by Spring. */
    public HardeningProbesAutoConfiguration() {
    }

    /**
     * @param properties   the starter's properties
     * @param availability Boot's availability state
     * @return the probe filter (registered only when a probe path is set)
     */
    @Bean
    @ConditionalOnMissingBean(name = "hardeningProbeFilter")
    public FilterRegistrationBean<ProbeFilter> hardeningProbeFilter(HardeningProperties properties,
                                                                    ApplicationAvailability availability) {
        return probes(properties, availability);
    }

    private static FilterRegistrationBean<ProbeFilter> probes(HardeningProperties properties,
                                                              ApplicationAvailability availability) {
        HardeningProperties.Probes p = properties.getProbes();
        FilterRegistrationBean<ProbeFilter> registration = new FilterRegistrationBean<>(new ProbeFilter(availability,
                Optional.ofNullable(p.getLivenessPath()).filter(s -> !s.isBlank()),
                Optional.ofNullable(p.getReadinessPath()).filter(s -> !s.isBlank())));
        registration.setOrder(FILTER_ORDER);
        registration.setName("hardeningProbeFilter");
        registration.setEnabled(p.getLivenessPath() != null && !p.getLivenessPath().isBlank()
                || p.getReadinessPath() != null && !p.getReadinessPath().isBlank());
        return registration;
    }

    /**
     * The {@code listening on} line, from Boot 4's web-server event (Boot 3.5 has the event in
     * another package: there the line is not logged, and nothing else changes).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.web.server.context.WebServerInitializedEvent")
    static class Listening {

        /**
         * @param environment Spring's environment
         * @return the listener that logs the {@code listening on} line
         */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnProperty(prefix = "hardening", name = "announce-listening", matchIfMissing = true)
        ListeningAnnouncer hardeningListeningAnnouncer(Environment environment) {
            return new ListeningAnnouncer(environment);
        }
    }
}
