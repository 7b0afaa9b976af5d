package dev.hardening.spring.autoconfigure;

import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.spring.internal.JettyWarmUp;
import dev.hardening.spring.internal.WarmUpGate;
import org.springframework.beans.factory.ObjectProvider;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.ProblemCode;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.JettyReadGuard;
import dev.hardening.spring.internal.ShutdownDelay;
import dev.hardening.spring.internal.PropertyVariables;
import dev.hardening.spring.internal.StarterCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * The embedded web server under hostile networks. With embedded Jetty: request bodies read into
 * memory as they arrive, without a thread, within {@code hardening.server.body-timeout}, before the
 * application runs, and request heads (parsed by Jetty without a thread) complete within
 * {@code hardening.server.head-timeout} ({@link JettyReadGuard}). The
 * customizer bean {@code hardeningJettyReadGuard} backs off when the application defines a bean of
 * that name, or with {@code hardening.server.read-guard=false}; an unusable value is an {@code HC-E003}
 * line of the startup report. Tomcat gets nothing here: it cannot
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
         * @param environment where the properties came from (a report line names the variable)
         * @param shutdownDelay the shutdown delay, at whose end the read guard closes the listeners
         * @return the customizer that wraps Jetty's handler in the read guard (and accepts on the
         *     selectors unless {@code server.jetty.threads.acceptors} is set)
         */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningJettyReadGuard")
        WebServerFactoryCustomizer<JettyServletWebServerFactory> hardeningJettyReadGuard(HardeningProperties properties,
                Environment environment, ObjectProvider<ShutdownDelay> shutdownDelay) {
            HardeningProperties.WebServer s = properties.getServer();
            if (!problems(s, environment).isEmpty()) {
                return factory -> { }; // the startup report names the property and refuses the start
            }
            boolean acceptorsSet = environment.containsProperty("server.jetty.threads.acceptors");
            return factory -> {
                if (!acceptorsSet) {
                    // Accept on the selectors, not on acceptor threads: the close of a listener that a
                    // thread is blocked accepting on took effect only when its next connection came
                    // (measured: ~130 ms after Boot's graceful stop "closed" it, resetting the 29
                    // connections the kernel had queued by then); a selector's listener is closed at
                    // once by ListenerClose. Set server.jetty.threads.acceptors to choose otherwise.
                    factory.setAcceptors(0);
                }
                factory.addServerCustomizers(server -> {
                    JettyReadGuard guard = new JettyReadGuard(s.getHeadTimeout(), s.getBodyTimeout(),
                            s.getMaxBody().toBytes(), s.getMaxConcurrentBodyReads());
                    guard.install(server);
                    // the listeners close at the end of the shutdown delay, without resetting queued connections
                    shutdownDelay.ifAvailable(d -> d.beforeWebServerStop(guard::closeListeners));
                });
            };
        }

        /**
         * @param properties the starter's properties
         * @param environment where the properties came from (a report line names the variable)
         * @return {@code HC-E003} lines of the startup report for unusable {@code hardening.server.*}
         *     values, else {@code HL-H001} PASS naming the limits the read guard enforces
         */
        @Bean
        StarterCheck hardeningWebServerCheck(HardeningProperties properties, Environment environment) {
            HardeningProperties.WebServer s = properties.getServer();
            List<Finding> problems = problems(s, environment);
            if (!problems.isEmpty()) {
                return new StarterCheck(problems, List.of());
            }
            String limits = "Jetty with the read guard: head deadline " + s.getHeadTimeout() + ", body deadline "
                    + s.getBodyTimeout() + ", body <= " + s.getMaxBody().toBytes() + " B, at most "
                    + s.getMaxConcurrentBodyReads() + " bodies read at once, without a thread";
            return new StarterCheck(List.of(), List.of(env -> List.of(
                    Finding.pass(HL_H001, SLOW_CLIENTS, "HTTP server", limits, ""))));
        }
    }

    /**
     * Embedded Jetty: one request through the application before the port opens
     * ({@code hardening.warm-up.*}, on by default), in dev mode with a token of the dev issuer.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.eclipse.jetty.server.Server",
        "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
    @ConditionalOnProperty(prefix = "hardening.warm-up", name = "enabled", matchIfMissing = true)
    static class JettyWarmUpConfiguration {
        /**
         * @param properties the starter's properties
         * @param gate       the context's warm-up gate
         * @param devIssuer  the dev issuer, in dev mode
         * @return the warm-up, which removes its in-memory connector before the port opens
         */
        @Bean
        @ConditionalOnMissingBean
        JettyWarmUp hardeningJettyWarmUp(HardeningProperties properties, WarmUpGate gate,
                                         ObjectProvider<DevIssuer> devIssuer) {
            return new JettyWarmUp(gate, properties.getWarmUp().getPath(), () -> {
                DevIssuer issuer = devIssuer.getIfAvailable();
                return issuer == null ? null : issuer.mint(WARM_UP_SUBJECT, Duration.ofMinutes(1));
            });
        }

        /**
         * @param warmUp the warm-up
         * @return the customizer that adds its in-memory connector to Jetty
         */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningJettyWarmUpCustomizer")
        WebServerFactoryCustomizer<JettyServletWebServerFactory> hardeningJettyWarmUpCustomizer(JettyWarmUp warmUp) {
            return factory -> factory.addServerCustomizers(warmUp::install);
        }
    }

    /** The subject of the dev-issued warm-up token. */
    private static final String WARM_UP_SUBJECT = "hardening-warm-up";

    /** Embedded Jetty with the read guard turned off. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.eclipse.jetty.server.Server",
        "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
    @ConditionalOnProperty(prefix = "hardening.server", name = "read-guard", havingValue = "false")
    static class UnguardedJetty {
        /** @return {@code HL-H001}: FAIL in production, WARN elsewhere */
        @Bean
        StarterCheck hardeningWebServerCheck() {
            return new StarterCheck(List.of(), List.of(env -> {
                Finding f = Finding.fail(HL_H001, SLOW_CLIENTS, "HTTP server",
                        "Jetty without the read guard (hardening.server.read-guard=false): a servlet reads a slow"
                                + " request body with a thread held", "remove hardening.server.read-guard=false");
                return List.of(env.isProduction() ? f : f.withStatus(FindingStatus.WARN));
            }));
        }
    }

    private static final String HL_H001 = "HL-H001";
    private static final String SLOW_CLIENTS = "slow clients cannot hold the server";

    static List<Finding> problems(HardeningProperties.WebServer s, Environment environment) {
        List<Finding> out = new ArrayList<>();
        Duration h = s.getHeadTimeout();
        if (h == null || h.isNegative() || h.isZero()) {
            out.add(PropertyVariables.problem(environment, ProblemCode.OUT_OF_RANGE, "hardening.server.head-timeout", "not a positive duration", "e.g. 10s"));
        }
        Duration t = s.getBodyTimeout();
        if (t == null || t.isNegative() || t.isZero()) {
            out.add(PropertyVariables.problem(environment, ProblemCode.OUT_OF_RANGE, "hardening.server.body-timeout", "not a positive duration", "e.g. 30s"));
        }
        DataSize max = s.getMaxBody();
        if (max == null || max.toBytes() <= 0 || max.toBytes() > Integer.MAX_VALUE - 8) {
            out.add(PropertyVariables.problem(environment, ProblemCode.OUT_OF_RANGE, "hardening.server.max-body", "not between 1B and 2GB", "e.g. 10MB"));
        }
        if (s.getMaxConcurrentBodyReads() <= 0) {
            out.add(PropertyVariables.problem(environment, ProblemCode.OUT_OF_RANGE, "hardening.server.max-concurrent-body-reads", "not positive", "e.g. 256"));
        }
        return out;
    }
}
