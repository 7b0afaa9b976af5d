package dev.hardening.spring.autoconfigure;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.StartupCheck;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.SpringDeployCheck;
import dev.hardening.spring.internal.PropertyBindFailures;
import dev.hardening.spring.internal.TomcatLimitsCheck;
import dev.hardening.spring.internal.UnusablePortGuard;
import dev.hardening.spring.internal.StartupReportEnforcer;
import dev.hardening.spring.internal.WarmUpGate;
import java.util.stream.Collectors;
import dev.hardening.spring.internal.StarterInstrumentation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The startup report: the deploy check of Spring's own configuration ({@link SpringDeployCheck})
 * and every other {@link StartupCheck} bean, enforced before the web server listens.
 */
@AutoConfiguration
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningStartupAutoConfiguration {

    /** Created by Spring. */
    public HardeningStartupAutoConfiguration() {
    }

    /**
     * @param properties  the starter's properties
     * @param environment Spring's environment
     * @return the mode the service runs in: {@code hardening.environment}, else {@code APP_ENV}, else production
     */
    @Bean
    @ConditionalOnMissingBean
    public AppEnvironment hardeningAppEnvironment(HardeningProperties properties, Environment environment) {
        String value = properties.getEnvironment() != null ? properties.getEnvironment()
                : environment.getProperty(AppEnvironment.VARIABLE);
        return AppEnvironment.fromAppEnv(value);
    }

    /**
     * @param environment Spring's environment
     * @return the advisor that turns a {@code hardening.*} value Spring cannot convert into a report
     *     line ({@code HC-E002}) instead of a failed start; static, so that it exists before any
     *     {@code @ConfigurationProperties} bean is bound
     */
    @Bean
    public static PropertyBindFailures hardeningPropertyBindFailures(Environment environment) {
        return new PropertyBindFailures(environment);
    }

    /**
     * @param properties  the starter's properties
     * @param environment Spring's environment
     * @return the deploy check
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "hardening.deploy-check", name = "enabled", matchIfMissing = true)
    public SpringDeployCheck hardeningSpringDeployCheck(HardeningProperties properties, Environment environment) {
        return SpringDeployCheck.of(environment, properties.isAllowDevOnNetwork(),
                HardeningStartupAutoConfiguration.class.getClassLoader());
    }

    /**
     * @param environment    Spring's environment
     * @param appEnvironment the mode
     * @param checks         every startup check bean
     * @param instrumentation the meters to bind (findings by status), if any
     * @return the enforcer, run once every singleton exists
     */
    @Bean
    @ConditionalOnMissingBean
    public StartupReportEnforcer hardeningStartupReport(Environment environment, AppEnvironment appEnvironment,
                                                        ObjectProvider<StartupCheck> checks,
                                                        ObjectProvider<StarterInstrumentation> instrumentation) {
        return new StartupReportEnforcer(environment, appEnvironment, checks.orderedStream().collect(Collectors.toList()),
                instrumentation.getIfAvailable(() -> StarterInstrumentation.NONE));
    }

    /** Any embedded web server. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.web.server.ConfigurableWebServerFactory")
    @ConditionalOnWebApplication
    static class WebServer {
        /**
         * @param environment Spring's environment
         * @param deployCheck the deploy check, which reports an unusable {@code server.port}
         * @return the customizer that keeps an unusable port from failing the start before the report
         */
        @Bean
        @ConditionalOnMissingBean
        UnusablePortGuard hardeningUnusablePortGuard(Environment environment, ObjectProvider<SpringDeployCheck> deployCheck) {
            return new UnusablePortGuard(environment, () -> deployCheck.getIfAvailable() != null);
        }
    }

    /**
     * @return the gate that keeps the warm-up request ({@code hardening.warm-up.*}) out of the
     *     starter's meters, its rate limiter and Micrometer observations
     */
    @Bean
    @ConditionalOnMissingBean
    public WarmUpGate hardeningWarmUpGate() {
        return new WarmUpGate();
    }

    /** {@code HL-H001}: embedded Tomcat's limits as its connectors run. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.apache.catalina.startup.Tomcat", "org.springframework.boot.tomcat.TomcatConnectorCustomizer"})
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Tomcat {
        /** @return the check, which Boot applies to each connector it builds as a connector customizer */
        @Bean
        @ConditionalOnMissingBean
        TomcatLimitsCheck hardeningTomcatLimitsCheck() {
            return new TomcatLimitsCheck();
        }
    }
}
