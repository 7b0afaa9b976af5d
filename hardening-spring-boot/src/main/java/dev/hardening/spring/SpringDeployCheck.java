package dev.hardening.spring;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.EnvironmentChecks;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.Secret;
import dev.hardening.config.SecretAssessment;
import dev.hardening.config.SecretPolicy;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.StartupCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import dev.hardening.spring.internal.PropertyVariables;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * The deploy check of Spring Boot's own configuration, as findings of the startup report (FAIL in
 * production, WARN in dev and test unless noted):
 *
 * <table>
 *   <caption>rules</caption>
 *   <tr><th>id</th><th>what</th></tr>
 *   <tr><td>{@code HS-D001}</td><td>a default or weak value in a well-known secret property
 *       ({@link #SECRET_PROPERTIES}), judged by the hardening-config {@link SecretPolicy}; one line per property,
 *       naming the property and the weakness, never the value</td></tr>
 *   <tr><td>{@code HS-D002}</td><td>Actuator endpoints exposed over HTTP beyond {@link #SAFE_ENDPOINTS}
 *       ({@code health}, {@code info}, {@code prometheus}): {@code prometheus} serves counters and
 *       gauges in the text format, as the JDK sample's {@code /metrics} does, and no configuration,
 *       environment, heap or bean graph; the hardening meters' tags are bounded. Every other endpoint
 *       (and {@code *}) is a finding</td></tr>
 *   <tr><td>{@code HS-D003}</td><td>{@code server.error.include-stacktrace} / {@code include-message} set to
 *       {@code always}, or {@code include-exception=true}</td></tr>
 *   <tr><td>{@code HS-D004}</td><td>the H2 console enabled</td></tr>
 *   <tr><td>{@code HS-D005}</td><td>devtools on the class path in production</td></tr>
 *   <tr><td>{@code HS-D006}</td><td>API documentation UIs (springdoc) enabled in production</td></tr>
 *   <tr><td>{@code HS-D007}</td><td>a CORS {@code allowed-origins} property containing {@code *}</td></tr>
 * </table>
 * With no problem it reports one PASS line, {@code HS-D000}. Silence a rule like any finding
 * ({@code SILENCE_HS_D002=2026-12-31 reason}).
 *
 * <p>Two more lines are hardening-config's own rules, named as hardening-config names them: dev mode
 * on a non-loopback {@code server.address} (unset: every interface) is {@code HC-M002}
 * ({@link EnvironmentChecks#devModeBinding}: FAIL, WARN with {@code hardening.allow-dev-on-network=true},
 * PASS on loopback or in production), and a {@code server.port} outside 0..65535 is {@code HC-E003}.
 * Each names the environment variable the property was mapped from in {@code application.yml}, if any.
 *
 * <p>Immutable and thread-safe; reads the environment when {@link #findings} is called.
 */
public final class SpringDeployCheck implements StartupCheck {

    /** Properties that hold secrets in Spring Boot's own configuration. */
    public static final List<String> SECRET_PROPERTIES = List.of(
            "spring.datasource.password", "spring.data.redis.password", "spring.data.mongodb.password",
            "spring.rabbitmq.password", "spring.security.user.password", "spring.mail.password",
            "spring.r2dbc.password", "spring.flyway.password", "spring.liquibase.password",
            "spring.elasticsearch.password", "spring.ldap.password", "spring.activemq.password",
            "spring.artemis.password", "spring.couchbase.password", "spring.cassandra.password",
            "spring.neo4j.authentication.password", "spring.devtools.remote.secret",
            "server.ssl.key-password", "server.ssl.key-store-password", "server.ssl.trust-store-password");

    private static final String RULE = "deploy check (Spring Boot configuration)";
    /** Actuator endpoints that may be exposed over HTTP without a finding. */
    public static final Set<String> SAFE_ENDPOINTS = Set.of("health", "info", "prometheus");

    private final Environment environment;
    private final boolean allowDevOnNetwork;
    private final ClassLoader classLoader;

    private SpringDeployCheck(Environment environment, boolean allowDevOnNetwork, ClassLoader classLoader) {
        this.environment = environment;
        this.allowDevOnNetwork = allowDevOnNetwork;
        this.classLoader = classLoader;
    }

    /**
     * @param environment       Spring's environment
     * @param allowDevOnNetwork whether dev mode may listen on a non-loopback address
     * @param classLoader       where to look for devtools and API-doc UIs
     * @return the check
     * @throws NullPointerException if an argument is null
     */
    public static SpringDeployCheck of(Environment environment, boolean allowDevOnNetwork, ClassLoader classLoader) {
        return new SpringDeployCheck(Checks.notNull(environment, "environment"), allowDevOnNetwork,
                Checks.notNull(classLoader, "classLoader"));
    }

    @Override
    public List<Finding> findings(AppEnvironment env) {
        FindingStatus violation = env.policyViolation();
        List<Finding> out = new ArrayList<>();
        for (String key : SECRET_PROPERTIES) {
            String value = environment.getProperty(key);
            if (value == null || value.isEmpty()) {
                continue;
            }
            SecretAssessment a = SecretPolicy.standard().assess(Secret.of(value), SecretPurpose.PASSWORD, key);
            if (!a.acceptable()) {
                out.add(new Finding("HS-D001", violation, RULE, key, "weak secret: " + a.summary(),
                        "set a generated value (openssl rand -base64 32) from a secret store, not a default"));
            }
        }
        Set<String> exposed = list("management.endpoints.web.exposure.include");
        exposed.removeAll(list("management.endpoints.web.exposure.exclude"));
        exposed.removeAll(SAFE_ENDPOINTS);
        if (!exposed.isEmpty()) {
            out.add(new Finding("HS-D002", violation, RULE, "management.endpoints.web.exposure.include",
                    "Actuator endpoints exposed over HTTP beyond health, info and prometheus: " + String.join(",", exposed),
                    "expose only health,info,prometheus (anything else through a separate management port)"));
        }
        List<String> errorDetails = new ArrayList<>();
        for (String k : List.of("server.error.include-stacktrace", "server.error.include-message")) {
            if ("always".equalsIgnoreCase(environment.getProperty(k, "").strip())) {
                errorDetails.add(k + "=always");
            }
        }
        if ("true".equalsIgnoreCase(environment.getProperty("server.error.include-exception", "").strip())) {
            errorDetails.add("server.error.include-exception=true");
        }
        if (!errorDetails.isEmpty()) {
            out.add(new Finding("HS-D003", violation, RULE, "server.error.*",
                    "error responses reveal internals: " + String.join(", ", errorDetails),
                    "remove these properties (the default, never, keeps stack traces and messages out of responses)"));
        }
        if (isTrue("spring.h2.console.enabled")) {
            out.add(new Finding("HS-D004", violation, RULE, "spring.h2.console.enabled",
                    "the H2 console is enabled: a SQL shell over HTTP", "remove spring.h2.console.enabled"));
        }
        if (env.isProduction() && present("org.springframework.boot.devtools.RemoteSpringApplication")) {
            out.add(new Finding("HS-D005", FindingStatus.FAIL, RULE, "spring-boot-devtools",
                    "devtools is on the class path in production",
                    "declare spring-boot-devtools optional / developmentOnly so it stays out of the packaged service"));
        }
        if (env.isProduction()) {
            List<String> uis = new ArrayList<>();
            if (present("org.springdoc.core.properties.SwaggerUiConfigProperties")
                    && !"false".equalsIgnoreCase(environment.getProperty("springdoc.swagger-ui.enabled", "true").strip())) {
                uis.add("springdoc.swagger-ui");
            }
            if (present("org.springdoc.core.properties.SpringDocConfigProperties")
                    && !"false".equalsIgnoreCase(environment.getProperty("springdoc.api-docs.enabled", "true").strip())) {
                uis.add("springdoc.api-docs");
            }
            if (!uis.isEmpty()) {
                out.add(new Finding("HS-D006", FindingStatus.FAIL, RULE, String.join(",", uis),
                        "API documentation is served in production: " + String.join(", ", uis),
                        "set springdoc.api-docs.enabled=false and springdoc.swagger-ui.enabled=false in production"));
            }
        }
        for (String key : corsOriginKeys()) {
            if (list(key).contains("*")) {
                out.add(new Finding("HS-D007", violation, RULE, key, "CORS allows every origin (*)",
                        "list the exact origins that may call the service"));
            }
        }
        if (out.isEmpty()) {
            out.add(Finding.pass("HS-D000", RULE, "spring", "no weak secret, exposed endpoint, error detail, "
                    + "console, API-doc UI or wildcard CORS found", "none"));
        }
        port().ifPresent(out::add);
        String address = environment.getProperty("server.address");
        out.add(EnvironmentChecks.devModeBinding(env, address == null || address.isBlank() ? "0.0.0.0" : address.strip(),
                allowDevOnNetwork, PropertyVariables.subject(environment, "server.address"),
                PropertyVariables.subject(environment, "hardening.allow-dev-on-network")));
        return out;
    }

    /** A port the web server cannot bind; a value that is not a number is the binder's problem (HC-E002). */
    private Optional<Finding> port() {
        String value = environment.getProperty("server.port");
        if (value == null) {
            return Optional.empty();
        }
        long port;
        try {
            port = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port >= 0 && port <= 65535) {
            return Optional.empty();
        }
        return Optional.of(PropertyVariables.problem(environment, ProblemCode.OUT_OF_RANGE, "server.port",
                port + " is outside 0..65535", "use a number from 0 to 65535"));
    }

    private boolean isTrue(String key) {
        return "true".equalsIgnoreCase(environment.getProperty(key, "").strip());
    }

    private boolean present(String className) {
        return ClassUtils.isPresent(className, classLoader);
    }

    private Set<String> list(String key) {
        String raw = environment.getProperty(key);
        Set<String> out = new TreeSet<>();
        if (raw != null) {
            Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        // indexed form (YAML lists): key[0], key[1], ...
        for (int i = 0; i < 64; i++) {
            String v = environment.getProperty(key + "[" + i + "]");
            if (v == null) {
                break;
            }
            out.add(v.strip());
        }
        return out;
    }

    private Set<String> corsOriginKeys() {
        Set<String> keys = new TreeSet<>(List.of("management.endpoints.web.cors.allowed-origins",
                "management.endpoints.web.cors.allowed-origin-patterns"));
        if (environment instanceof ConfigurableEnvironment) {
            for (PropertySource<?> source : ((ConfigurableEnvironment) environment).getPropertySources()) {
                if (source instanceof EnumerablePropertySource) {
                    for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                        String n = name.toLowerCase(Locale.ROOT).replaceAll("\\[\\d+]$", "");
                        if (n.endsWith("allowed-origins") || n.endsWith("allowed-origin-patterns")) {
                            keys.add(n);
                        }
                    }
                }
            }
        }
        return keys.stream().collect(Collectors.toCollection(TreeSet::new));
    }
}
