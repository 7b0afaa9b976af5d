package dev.hardening.spring.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.StartupReport;
import dev.hardening.spring.StartupRefusedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Builds the startup report once every singleton exists — before the web server starts listening —
 * from every {@link StartupCheck} bean, with the operator's {@code SILENCE_<ID>} silences read as
 * hardening-config reads them; prints it; refuses to start on a FAIL. Runs once; not for concurrent use.
 */
public final class StartupReportEnforcer implements SmartInitializingSingleton {

    /** The id of the mode line ({@code HC-M001}), which every hardening-config bind reports and the report prints once. */
    public static final String MODE_ID = "HC-M001";

    private static final Logger LOG = LoggerFactory.getLogger("dev.hardening.spring.StartupReport");

    private final Environment environment;
    private final AppEnvironment appEnvironment;
    private final List<StartupCheck> checks;
    private final StarterInstrumentation instrumentation;
    private volatile StartupReport report;

    /**
     * @param environment    Spring's environment (for silences)
     * @param appEnvironment the mode the service runs in
     * @param checks         every component's check
     */
    public StartupReportEnforcer(Environment environment, AppEnvironment appEnvironment, List<StartupCheck> checks) {
        this(environment, appEnvironment, checks, StarterInstrumentation.NONE);
    }

    /**
     * @param environment     Spring's environment (for silences)
     * @param appEnvironment  the mode the service runs in
     * @param checks          every component's check
     * @param instrumentation told the report once it is built (findings by status as meters)
     */
    public StartupReportEnforcer(Environment environment, AppEnvironment appEnvironment, List<StartupCheck> checks,
                                 StarterInstrumentation instrumentation) {
        this.environment = environment;
        this.appEnvironment = appEnvironment;
        this.checks = List.copyOf(checks);
        this.instrumentation = instrumentation;
    }

    /** Marker for binding the silences only. */
    record NoSettings() {
    }

    @Override
    public void afterSingletonsInstantiated() {
        StartupReport.Builder builder;
        try {
            BoundConfig<NoSettings> bound = HardeningConfig.builder().environment(silenceVariables()).build()
                    .bind(NoSettings.class);
            builder = StartupReport.builder(appEnvironment).silences(bound.silences()).addAll(bound.findings());
        } catch (ConfigException e) {
            builder = StartupReport.builder(e);
        }
        for (StartupCheck check : checks) {
            builder.check(check);
        }
        StartupReport r = builder.build();
        this.report = r;
        instrumentation.startupReport(r);
        if (r.hasFailures()) {
            throw new StartupRefusedException(r);
        }
        LOG.info("startup report\n{}", r.renderTable());
    }

    /** @return the report, once built */
    public StartupReport report() {
        return report;
    }

    private Map<String, String> silenceVariables() {
        Map<String, String> out = new LinkedHashMap<>();
        // APP_ENV as the operator set it (the mode line quotes it), unless the mode came from elsewhere
        String appEnv = environment.getProperty(AppEnvironment.VARIABLE);
        if (AppEnvironment.fromAppEnv(appEnv) != appEnvironment) {
            appEnv = appEnvironment.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (appEnv != null) {
            out.put(AppEnvironment.VARIABLE, appEnv);
        }
        if (environment instanceof ConfigurableEnvironment) {
            for (PropertySource<?> source : ((ConfigurableEnvironment) environment).getPropertySources()) {
                if (source instanceof EnumerablePropertySource) {
                    for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                        if (name.startsWith("SILENCE_") && !out.containsKey(name)) {
                            String v = environment.getProperty(name);
                            if (v != null) {
                                out.put(name, v);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
