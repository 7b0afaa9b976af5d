package dev.hardening.spring.autoconfigure;

import dev.hardening.spring.internal.MicrometerInstrumentation;
import dev.hardening.spring.internal.StarterInstrumentation;
import dev.hardening.spring.internal.WarmUpGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * hardening-micrometer's meters for every component the starter creates, bound to the application's
 * {@link MeterRegistry} (Actuator's, or one the application defines) when there is exactly one:
 * token verifications and rejections by reason, JWKS fetches and state per issuer, webhook
 * verifications and duplicates, rate-limit decisions with the breaker and fallback, the Boot drain's
 * phases and cut work, and the startup findings by status. Components the application defines
 * itself are left alone (bind them with hardening-micrometer directly). Off with
 * {@code hardening.metrics.enabled=false}; backs off when the application defines its own
 * {@code hardeningInstrumentation} bean.
 *
 * <p>The registry is looked up when the first component is built, not through a bean condition,
 * so the order in which Boot's metrics auto-configurations run does not matter.
 */
@AutoConfiguration
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.hardening.micrometer.AuthMetrics"})
@ConditionalOnProperty(prefix = "hardening.metrics", name = "enabled", matchIfMissing = true)
public final class HardeningMetricsAutoConfiguration {

    /** Created by Spring. */
    public HardeningMetricsAutoConfiguration() {
    }

    /**
     * @param registries the application's meter registries
     * @param gate       the warm-up gate: the warm-up request's token verification is not counted
     * @return the binding to the one registry, or no instrumentation when there is none (or several
     *     without a primary)
     */
    @Bean
    @ConditionalOnMissingBean(name = "hardeningInstrumentation")
    public StarterInstrumentation hardeningInstrumentation(ObjectProvider<MeterRegistry> registries,
                                                           ObjectProvider<WarmUpGate> gate) {
        MeterRegistry registry = registries.getIfUnique();
        return registry == null ? new StarterInstrumentation() { }
                : new MicrometerInstrumentation(registry, gate.getIfAvailable(WarmUpGate::new));
    }

    /** Micrometer observations (Boot's {@code http.server.requests}, Spring Security's) skip the warm-up request. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationPredicate")
    static class WarmUpObservations {
        /**
         * @param gate the context's warm-up gate
         * @return a predicate that turns every observation into a no-op while the warm-up request runs
         */
        @Bean
        @ConditionalOnMissingBean(name = "hardeningWarmUpObservations")
        ObservationPredicate hardeningWarmUpObservations(ObjectProvider<WarmUpGate> gate) {
            WarmUpGate g = gate.getIfAvailable(WarmUpGate::new);
            return (name, context) -> !g.warming();
        }
    }
}
