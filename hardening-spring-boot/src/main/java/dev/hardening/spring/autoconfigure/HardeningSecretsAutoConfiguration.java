package dev.hardening.spring.autoconfigure;

import dev.hardening.config.AppEnvironment;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.RequiredSecrets;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The secrets an application requires ({@code hardening.required-secrets: [SECRET_KEY]}), read,
 * judged, generated in dev and reported as hardening-config does for its own settings; see
 * {@link RequiredSecrets}.
 */
@AutoConfiguration(after = HardeningStartupAutoConfiguration.class)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningSecretsAutoConfiguration {

    /** Created by Spring. */
    public HardeningSecretsAutoConfiguration() {
    }

    /**
     * @param properties     the starter's properties
     * @param environment    Spring's environment
     * @param appEnvironment the mode
     * @return the bound secrets, a startup check with their report lines
     */
    @Bean
    @ConditionalOnMissingBean
    public RequiredSecrets hardeningRequiredSecrets(HardeningProperties properties, Environment environment,
                                                    AppEnvironment appEnvironment) {
        return RequiredSecrets.bind(properties.getRequiredSecrets(), environment, appEnvironment);
    }
}
