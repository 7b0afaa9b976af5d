package dev.hardening.spring.autoconfigure;

import dev.hardening.spring.internal.MicrometerInstrumentation;
import dev.hardening.spring.internal.StarterInstrumentation;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

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
     * @return the binding to the one registry, or no instrumentation when there is none (or several
     *     without a primary)
     */
    @Bean
    @ConditionalOnMissingBean(name = "hardeningInstrumentation")
    public StarterInstrumentation hardeningInstrumentation(ObjectProvider<MeterRegistry> registries) {
        MeterRegistry registry = registries.getIfUnique();
        return registry == null ? new StarterInstrumentation() { } : new MicrometerInstrumentation(registry);
    }
}
