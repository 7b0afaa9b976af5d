package dev.hardening.micrometer;

import dev.hardening.config.FindingStatus;
import dev.hardening.config.StartupReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters for hardening-config: {@value #FINDINGS} gauge {status=pass|warn|fail}, the number of
 * startup findings of each status in the report the service booted with (silences applied). This
 * class has only static methods and is thread-safe.
 */
public final class ConfigMetrics {

    /** Gauge of startup findings by status. */
    public static final String FINDINGS = "hardening.config.findings";

    private ConfigMetrics() {
    }

    /**
     * Binds the report's finding counts, one series per {@link FindingStatus}.
     *
     * @param report   the startup report
     * @param registry where the gauges go
     * @throws NullPointerException if an argument is null
     */
    public static void bind(StartupReport report, MeterRegistry registry) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(registry, "registry");
        for (FindingStatus status : FindingStatus.values()) {
            Gauge.builder(FINDINGS, report, r -> r.count(status))
                    .description("startup findings, by status").tag("status", status.name().toLowerCase(Locale.ROOT))
                    .strongReference(true).register(registry);
        }
    }
}
