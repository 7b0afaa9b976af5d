package dev.hardening.spring.autoconfigure;

import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.JettyReadGuard;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded web server under hostile networks. With embedded Jetty: request bodies read into
 * memory as they arrive, without a thread, within {@code hardening.server.body-timeout}, before the
 * application runs ({@link JettyReadGuard}); heads are parsed by Jetty without a thread already. The
 * customizer bean {@code hardeningJettyReadGuard} backs off when the application defines a bean of
 * that name, or with {@code hardening.server.read-guard=false}. Tomcat gets nothing here: it cannot
 * read a servlet's body without a thread (see the README).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningWebServerAutoConfiguration {

    /** Created by Spring. */
    public HardeningWebServerAutoConfiguration() {
    }

    /** Embedded Jetty. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.eclipse.jetty.server.Server",
        "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
    @ConditionalOnProperty(prefix = "hardening.server", name = "read-guard", matchIfMissing = true)
    static class Jetty {
        /**
         * @param properties the starter's properties
         * @return the customizer that wraps Jetty's handler in the read guard
         */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningJettyReadGuard")
        WebServerFactoryCustomizer<JettyServletWebServerFactory> hardeningJettyReadGuard(HardeningProperties properties) {
            HardeningProperties.WebServer s = properties.getServer();
            return factory -> factory.addServerCustomizers(server -> new JettyReadGuard(
                    s.getBodyTimeout(), s.getMaxBody().toBytes(), s.getMaxConcurrentBodyReads()).install(server));
        }
    }
}
