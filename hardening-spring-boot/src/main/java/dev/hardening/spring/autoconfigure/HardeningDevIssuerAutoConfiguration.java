package dev.hardening.spring.autoconfigure;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.TimeSource;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.DevTokenFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The built-in dev issuer ({@code hardening.dev-issuer.enabled=true}, dev mode only): a
 * {@link DevIssuer} whose key is generated once and kept with the dev secrets, trusted by the
 * starter's verifier next to the configured issuers, and its token endpoint
 * ({@code POST hardening.dev-issuer.token-path}, default {@code /dev/token}), answered before Spring
 * Security. In test and production mode none of it exists, so the path is whatever the application
 * makes of it (usually 404). Each bean backs off when the application defines its own.
 */
@AutoConfiguration(before = HardeningAuthAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.security.oauth2.jwt.JwtDecoder")
@Conditional(HardeningDevIssuerAutoConfiguration.DevModeWithDevIssuer.class)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningDevIssuerAutoConfiguration {

    /** Order of the token endpoint's filter: before Spring Security (-100) and the auth problem filter. */
    public static final int FILTER_ORDER = -120;
    /** The audience when neither {@code hardening.dev-issuer.audience} nor {@code spring.application.name} is set. */
    public static final String DEFAULT_AUDIENCE = "dev-api";

    /** Created by Spring. */
    public HardeningDevIssuerAutoConfiguration() {
    }

    /**
     * @param properties  the starter's properties
     * @param environment Spring's environment (for {@code spring.application.name})
     * @return the dev issuer, its key read from (or generated into) {@code .hardening/dev-secrets}
     */
    @Bean
    @ConditionalOnMissingBean
    public DevIssuer hardeningDevIssuer(HardeningProperties properties, Environment environment) {
        String audience = properties.getDevIssuer().getAudience();
        if (audience == null || audience.isBlank()) {
            audience = environment.getProperty("spring.application.name", DEFAULT_AUDIENCE);
        }
        return DevIssuer.create(DevSecretStore.forEnvironment(AppEnvironment.DEV, DevSecretStore.DEFAULT_DIRECTORY),
                audience, TimeSource.system());
    }

    /**
     * @param issuer     the dev issuer
     * @param properties the starter's properties
     * @return the token endpoint's filter
     */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnBean(DevIssuer.class)
    @ConditionalOnMissingBean(name = "hardeningDevTokenFilter")
    public FilterRegistrationBean<DevTokenFilter> hardeningDevTokenFilter(DevIssuer issuer, HardeningProperties properties) {
        FilterRegistrationBean<DevTokenFilter> registration = new FilterRegistrationBean<>(
                new DevTokenFilter(issuer, properties.getDevIssuer().getTokenPath()));
        registration.setOrder(FILTER_ORDER);
        registration.setName("hardeningDevTokenFilter");
        return registration;
    }

    /** Matches in dev mode ({@code hardening.environment}, else {@code APP_ENV}) with the dev issuer enabled. */
    static final class DevModeWithDevIssuer extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment env = context.getEnvironment();
            if (!env.getProperty("hardening.dev-issuer.enabled", Boolean.class, false)) {
                return ConditionOutcome.noMatch("hardening.dev-issuer.enabled is not true");
            }
            return devMode(env) ? ConditionOutcome.match("dev mode with the dev issuer enabled")
                    : ConditionOutcome.noMatch("not dev mode: no dev issuer");
        }
    }

    static boolean devMode(Environment env) {
        String mode = env.getProperty("hardening.environment");
        return AppEnvironment.fromAppEnv(mode != null ? mode : env.getProperty(AppEnvironment.VARIABLE)) == AppEnvironment.DEV;
    }
}
