package dev.hardening.spring.autoconfigure;

import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.Introspection;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.BoundConfig;
import dev.hardening.config.ConfigException;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.SecretPurpose;
import dev.hardening.config.SecretSetting;
import dev.hardening.spring.internal.StartupReportEnforcer;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.hardening.config.Secret;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.TrustedProxies;
import dev.hardening.ratelimit.redis.RedisBackend;
import dev.hardening.spring.internal.DpopFilter;
import dev.hardening.spring.internal.PropertyVariables;
import dev.hardening.spring.internal.StarterInstrumentation;
import jakarta.servlet.Filter;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.spring.HardeningJwtDecoder;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.config.StartupCheck;
import dev.hardening.spring.internal.AuthProblemFilter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Provides a {@link TokenVerifier} for the configured issuers ({@code hardening.auth.issuers}, else
 * Spring's {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} / {@code jwk-set-uri} /
 * {@code audiences}) and a {@link JwtDecoder} backed by it, before Spring Boot's resource server
 * auto-configuration, so that {@code oauth2ResourceServer(o -> o.jwt(...))} — Boot's default chain
 * or the application's own {@code SecurityFilterChain} — uses it unchanged. Each bean backs off
 * when the application defines its own. Also installs the filter that answers 503 when the keys
 * are unavailable and completes Spring's bodiless challenges with problem documents.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
        // Spring Boot 3.5's name of the same auto-configuration
        "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.security.oauth2.jwt.JwtDecoder")
@ConditionalOnProperty(prefix = "hardening.auth", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningAuthAutoConfiguration {

    /** Order of the problem filter: just outside Spring Security's filter (-100). */
    public static final int PROBLEM_FILTER_ORDER = -110;
    /** Order of the DPoP filter: after the webhook filter (-105), just before Spring Security's filter (-100). */
    public static final int DPOP_FILTER_ORDER = -102;
    /** The bean name of the starter's rate limit filter registration, which counts refused DPoP requests. */
    private static final String RATE_LIMIT_FILTER = "hardeningRateLimitFilter";

    private static final String SPRING_JWT = "spring.security.oauth2.resourceserver.jwt";

    /** Id of the PASS line naming the token-type policy in force for each issuer. */
    public static final String TOKEN_TYPE_ID = "HS-A001";
    /** An issuer's properties, most specific first, that a problem message may name ({@code .token-type:}). */
    private static final List<String> ISSUER_PROPERTIES = List.of("introspection.client-secret",
            "introspection.client-id", "introspection.uri", "token-type", "issuer-uri", "jwk-set-uri", "audiences");

    private final List<dev.hardening.config.Finding> issuerProblems = new ArrayList<>();
    private final List<dev.hardening.config.Finding> issuerPolicies = new ArrayList<>();

    /** Created by Spring. */
    public HardeningAuthAutoConfiguration() {
    }

    /**
     * @param properties      the starter's properties
     * @param environment     Spring's environment (for Spring's own resource server properties)
     * @param instrumentation the meters to bind, if any
     * @param rateLimiting    the rate limiting, whose Redis (when it has one) remembers DPoP proof ids
     * @param devIssuer       the dev issuer (dev mode with {@code hardening.dev-issuer.enabled}): trusted
     *     too; an issuer entry left blank by an unset variable is then skipped instead of reported
     * @param appEnvironment  the mode (how a client secret read from a variable is judged)
     * @return a verifier for every configured issuer, with RFC 7662 introspection of opaque tokens
     *     when an issuer sets {@code introspection.uri}, already fetching keys in the background; an
     *     issuer that cannot be used (no issuer URI, no audience, unknown token type, malformed URL) is
     *     left out and reported by {@link #hardeningAuthCheck} as a FAIL line of the startup report,
     *     next to every other problem, instead of failing here. When no issuer is usable the verifier
     *     accepts nothing and fetches nothing (the report refuses the start anyway)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(IssuersConfigured.class)
    public TokenVerifier hardeningTokenVerifier(HardeningProperties properties, Environment environment,
                                                ObjectProvider<StarterInstrumentation> instrumentation,
                                                ObjectProvider<RateLimiting> rateLimiting,
                                                ObjectProvider<DevIssuer> devIssuer,
                                                ObjectProvider<AppEnvironment> appEnvironment) {
        StarterInstrumentation observe = instrumentation.getIfAvailable(() -> StarterInstrumentation.NONE);
        TokenVerifier.Builder builder = TokenVerifier.builder();
        observe.jwksListeners().forEach(builder::listener);
        List<HardeningProperties.Issuer> issuers = issuers(properties, environment);
        int usable = 0;
        boolean introspecting = false;
        DevIssuer dev = devIssuer.getIfAvailable();
        if (dev != null) {
            builder.issuer(dev.policy().build());
            usable++;
        }
        for (int i = 0; i < issuers.size(); i++) {
            if (dev != null && unset(issuers.get(i))) {
                continue; // dev mode: an issuer mapped from an unset variable; the dev issuer stands in
            }
            String subject = properties.getAuth().getIssuers().isEmpty() ? SPRING_JWT : "hardening.auth.issuers[" + i + "]";
            Optional<Secret> clientSecret = clientSecret(environment, appEnvironment.getIfAvailable(() -> AppEnvironment.PRODUCTION),
                    subject, issuers.get(i).getIntrospection(), issuerProblems);
            List<dev.hardening.config.Finding> missing = missing(environment, subject, issuers.get(i), clientSecret.isPresent());
            if (!missing.isEmpty()) {
                issuerProblems.addAll(missing); // every missing setting at once, as hardening-config reports them
                continue;
            }
            try {
                IssuerPolicy policy = policy(issuers.get(i));
                Optional<Introspection> introspection = introspection(issuers.get(i), subject, clientSecret);
                if (introspection.isPresent() && introspecting) {
                    throw new IllegalStateException(subject + ".introspection: a second issuer with introspection "
                            + "(expected: at most one issuer introspects opaque tokens)");
                }
                builder.issuer(policy);
                issuerPolicies.add(tokenTypeFinding(PropertyVariables.subject(environment, subject + ".token-type"),
                        policy.profile() == TokenProfile.RFC9068_ACCESS_TOKEN));
                if (introspection.isPresent()) {
                    builder.introspection(introspection.get());
                    introspecting = true;
                }
                usable++;
            } catch (RuntimeException e) {
                String property = faultyProperty(subject, e.getMessage());
                issuerProblems.add(PropertyVariables.problem(environment,
                        property.equals(subject) ? ProblemCode.INVALID : ProblemCode.UNPARSABLE, property,
                        String.valueOf(e.getMessage()),
                        "issuer-uri (the exact iss), audiences (at least one), token-type any or at+jwt, https URLs, "
                                + "introspection uri with client-id and client-secret"));
            }
        }
        dpop(properties.getAuth().getDpop(), rateLimiting.getIfAvailable(), environment).ifPresent(builder::dpop);
        if (usable == 0) {
            // every issuer has a problem line that refuses the start; a verifier that trusts none lets
            // the rest of the context build and report in the same boot
            return builder.allowNoIssuer().build();
        }
        TokenVerifier verifier = builder.build();
        if (issuerProblems.isEmpty()) {
            verifier.warmUp();
        }
        return observe.verifier(verifier);
    }

    /**
     * @return the DPoP policy when proof ids go to Redis (the rate limiter's shared backend); empty
     *     for the verifier's default, a replay check in this process
     */
    private Optional<DpopPolicy> dpop(HardeningProperties.Dpop dpop, RateLimiting rateLimiting, Environment environment) {
        String store = dpop.getReplayStore() == null ? "auto" : dpop.getReplayStore().strip().toLowerCase(Locale.ROOT);
        if (!store.equals("auto") && !store.equals("memory")) {
            issuerProblems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, "hardening.auth.dpop.replay-store",
                    (store.length() > 20 ? "(long value)" : PropertyVariables.quote(store)) + " is not one of auto, memory",
                    "write one of auto, memory"));
            return Optional.empty();
        }
        if (store.equals("memory") || rateLimiting == null || rateLimiting.shared().isEmpty()) {
            return Optional.empty();
        }
        DedupStore seen = rateLimiting.dedupStore("dpop", DpopPolicy.defaults().replayTtl());
        if (rateLimiting.shared().get() instanceof RedisBackend redis) {
            // Fails closed while Redis is disconnected: the store would answer from this process's
            // memory alone, and a proof used here could be replayed on another replica. The verifier
            // answers 401 invalid_dpop_proof; Bearer requests are unaffected.
            return Optional.of(DpopPolicy.builder().replayCheck(id -> {
                if (!redis.isConnected()) {
                    throw new IllegalStateException("DPoP replay store unavailable: Redis is not connected");
                }
                return seen.markIfFirst(id);
            }).build());
        }
        return Optional.of(DpopPolicy.builder().replayCheck(seen::markIfFirst).build());
    }

    static Optional<Introspection> introspection(HardeningProperties.Issuer issuer, String subject,
                                                 Optional<Secret> clientSecret) {
        HardeningProperties.IssuerIntrospection p = issuer.getIntrospection();
        if (p.getUri() == null || p.getUri().isBlank()) {
            return Optional.empty();
        }
        if (p.getClientId() == null || p.getClientId().isBlank()) {
            throw new IllegalStateException(subject + ".introspection.client-id: unset (expected: the client id the "
                    + "introspection endpoint authenticates)");
        }
        if (clientSecret.isEmpty()) {
            throw new IllegalStateException(subject + ".introspection.client-secret: unset (expected: the client's secret)");
        }
        URI uri;
        try {
            uri = new URI(p.getUri().strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(subject + ".introspection.uri: not a URL (expected: https://…)");
        }
        return Optional.of(Introspection.builder(uri, issuer.getIssuerUri())
                .client(p.getClientId().strip(), clientSecret.get())
                .audience(issuer.getAudiences().toArray(new String[0]))
                .build());
    }

    /**
     * @param properties   the starter's properties
     * @param verifier     the verifier (its DPoP policy and replay check)
     * @param rateLimiting the rate limiting, whose trusted proxies are the default
     * @param environment  Spring's environment (the variables the properties were mapped from, for the report)
     * @param beans        the application's beans: the starter's rate limit filter
     *                     ({@code hardeningRateLimitFilter}), when registered and enabled, counts each
     *                     refused DPoP request before the refusal is sent
     * @return the filter verifying {@code Authorization: DPoP} requests before Spring Security, at
     *     {@link #DPOP_FILTER_ORDER}; off with {@code hardening.auth.dpop.enabled=false}
     */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnBean(TokenVerifier.class)
    @ConditionalOnProperty(prefix = "hardening.auth.dpop", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "hardeningDpopFilter")
    public FilterRegistrationBean<DpopFilter> hardeningDpopFilter(HardeningProperties properties, TokenVerifier verifier,
                                                                  ObjectProvider<RateLimiting> rateLimiting,
                                                                  Environment environment,
                                                                  ListableBeanFactory beans) {
        String spec = properties.getAuth().getDpop().getTrustedProxies();
        TrustedProxies proxies = TrustedProxies.none();
        if (spec != null && !spec.isBlank()) {
            try {
                proxies = TrustedProxies.parse(spec);
            } catch (RuntimeException e) {
                issuerProblems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE,
                        "hardening.auth.dpop.trusted-proxies", String.valueOf(e.getMessage()),
                        "write comma-separated CIDRs such as 10.0.0.0/8"));
            }
        } else {
            RateLimiting rl = rateLimiting.getIfAvailable();
            if (rl != null) {
                proxies = rl.trustedProxies();
            }
        }
        Supplier<Filter> rateLimit = () -> {
            if (!beans.containsBean(RATE_LIMIT_FILTER)) {
                return null;
            }
            Object bean = beans.getBean(RATE_LIMIT_FILTER);
            return bean instanceof FilterRegistrationBean<?> reg && reg.isEnabled() ? reg.getFilter() : null;
        };
        FilterRegistrationBean<DpopFilter> registration =
                new FilterRegistrationBean<>(new DpopFilter(verifier, proxies, rateLimit));
        registration.setOrder(DPOP_FILTER_ORDER);
        registration.setName("hardeningDpopFilter");
        return registration;
    }

    /**
     * @param verifier the verifier in use (built first, so its problems are known)
     * @return the issuer problems ({@code HC-E00x}, naming the variables the properties were mapped
     *     from) met while building the starter's verifier
     */
    @Bean
    @ConditionalOnBean(TokenVerifier.class)
    public StartupCheck hardeningAuthCheck(TokenVerifier verifier) {
        return env -> {
            List<dev.hardening.config.Finding> all = new ArrayList<>(issuerProblems);
            all.addAll(issuerPolicies);
            return all;
        };
    }

    /**
     * @return the PASS line showing an issuer's token-type policy (SAMPLE.md: the report shows the
     *     policy in force), with the variable it was mapped from when there is one
     */
    private static dev.hardening.config.Finding tokenTypeFinding(String property, boolean rfc9068) {
        return rfc9068
                ? dev.hardening.config.Finding.pass(TOKEN_TYPE_ID, "token type", property,
                        "at+jwt: only RFC 9068 access tokens (typ at+jwt) are accepted", "")
                : dev.hardening.config.Finding.pass(TOKEN_TYPE_ID, "token type", property,
                        "any: typ absent, JWT or at+jwt accepted (an ID token for this audience passes as an access token)",
                        "token-type: at+jwt once the identity provider issues RFC 9068 access tokens");
    }

    /** A client-secret variable: upper case, ending in {@code SECRET}. */
    private static final java.util.regex.Pattern SECRET_VARIABLE = java.util.regex.Pattern.compile("([A-Z][A-Z0-9_]*_)?SECRET");

    /** The introspection client secret, read from a variable and its {@code _FILE} as hardening-config reads secrets. */
    record ClientSecretBinding(@SecretSetting(purpose = SecretPurpose.PASSWORD) Optional<Secret> secret) {
    }

    /**
     * @param lines where the secret's problems and findings go (never its value)
     * @return the introspection client's secret: {@code client-secret} when set, else the variable of
     *     {@code client-secret-variable} or the file its {@code _FILE} names; empty when neither is set
     */
    static Optional<Secret> clientSecret(Environment environment, AppEnvironment mode, String subject,
                                         HardeningProperties.IssuerIntrospection p, List<dev.hardening.config.Finding> lines) {
        if (p.getClientSecret() != null && !p.getClientSecret().isEmpty()) {
            return Optional.of(Secret.of(p.getClientSecret()));
        }
        String name = p.getClientSecretVariable() == null ? "" : p.getClientSecretVariable().strip();
        if (name.isEmpty() || p.getUri() == null || p.getUri().isBlank()) {
            return Optional.empty();
        }
        if (!SECRET_VARIABLE.matcher(name).matches()) {
            lines.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE,
                    subject + ".introspection.client-secret-variable",
                    PropertyVariables.quote(name) + " is not a variable name ending in SECRET",
                    "write upper case letters, digits and underscores ending in SECRET, such as OIDC_CLIENT_SECRET"));
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(AppEnvironment.VARIABLE, mode.name().toLowerCase(Locale.ROOT));
        for (String suffix : List.of("", "_FILE")) {
            String value = environment.getProperty(name + suffix);
            if (value != null && !value.isEmpty()) {
                env.put(name + suffix, value);
            }
        }
        HardeningConfig.Builder config = HardeningConfig.builder().environment(env);
        String prefix = name.substring(0, name.length() - "SECRET".length());
        if (!prefix.isEmpty()) {
            config.prefix(prefix);
        }
        try {
            BoundConfig<ClientSecretBinding> bound = config.build().bind(ClientSecretBinding.class);
            bound.findings().stream().filter(f -> !f.id().equals(StartupReportEnforcer.MODE_ID)).forEach(lines::add);
            return bound.settings().secret();
        } catch (ConfigException e) {
            e.problems().forEach(problem -> lines.add(PropertyVariables.line(problem)));
            return Optional.empty();
        }
    }

    /**
     * @return the issuer's property a problem message names ({@code hardening.auth.issuers[0].token-type}),
     *     else the issuer's prefix
     */
    static String faultyProperty(String subject, String message) {
        String m = String.valueOf(message);
        for (String suffix : ISSUER_PROPERTIES) {
            if (m.contains("." + suffix + ":")) {
                return subject + "." + suffix;
            }
        }
        return subject;
    }

    /**
     * @return a line for each setting an issuer cannot do without ({@code HC-E001}: its issuer URI, an
     *     audience, and the introspection client when introspection is on) or cannot read ({@code HC-E002}:
     *     its token type), all at once
     */
    static List<dev.hardening.config.Finding> missing(Environment environment, String subject,
                                                      HardeningProperties.Issuer issuer, boolean clientSecret) {
        List<dev.hardening.config.Finding> out = new ArrayList<>();
        if (issuer.getIssuerUri() == null || issuer.getIssuerUri().isBlank()) {
            out.add(PropertyVariables.missing(environment, subject + ".issuer-uri", "required setting"));
        }
        if (issuer.getAudiences().stream().allMatch(a -> a == null || a.isBlank())) {
            out.add(PropertyVariables.missing(environment, subject + ".audiences", "required setting"));
        }
        String type = issuer.getTokenType() == null ? "any" : issuer.getTokenType().strip().toLowerCase(Locale.ROOT);
        if (!type.equals("any") && !type.equals("at+jwt")) {
            out.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, subject + ".token-type",
                    PropertyVariables.quote(issuer.getTokenType().strip()) + " is not one of any, at+jwt",
                    "write one of any, at+jwt"));
        }
        HardeningProperties.IssuerIntrospection i = issuer.getIntrospection();
        if (i.getUri() != null && !i.getUri().isBlank()) {
            if (i.getClientId() == null || i.getClientId().isBlank()) {
                out.add(PropertyVariables.missing(environment, subject + ".introspection.client-id",
                        "required setting (with introspection)"));
            }
            if (!clientSecret) {
                String variable = i.getClientSecretVariable() == null ? "" : i.getClientSecretVariable().strip();
                out.add(variable.isEmpty()
                        ? PropertyVariables.missing(environment, subject + ".introspection.client-secret",
                                "required secret (with introspection)")
                        : dev.hardening.config.Finding.fail(ProblemCode.MISSING.id(), PropertyVariables.CONFIG_RULE, variable,
                                "required secret (with introspection) is missing (not set)",
                                "set " + variable + ", or " + variable + "_FILE to a file holding it"));
            }
        }
        return out;
    }

    /**
     * @param verifier the verifier
     * @return the decoder Spring Security's resource server uses
     */
    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    @ConditionalOnBean(TokenVerifier.class)
    public JwtDecoder hardeningJwtDecoder(TokenVerifier verifier) {
        return HardeningJwtDecoder.of(verifier);
    }

    /**
     * @param verifier the verifier, for the DPoP algorithms of the challenge to a bound token sent as Bearer
     * @return the filter that turns unavailable keys into 503 and adds problem bodies to challenges
     */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnMissingBean(name = "hardeningAuthProblemFilter")
    public FilterRegistrationBean<AuthProblemFilter> hardeningAuthProblemFilter(ObjectProvider<TokenVerifier> verifier) {
        TokenVerifier v = verifier.getIfUnique();
        String algs = (v == null ? DpopPolicy.defaults() : v.dpop()).challengeAlgorithms();
        FilterRegistrationBean<AuthProblemFilter> registration = new FilterRegistrationBean<>(new AuthProblemFilter(algs));
        registration.setOrder(PROBLEM_FILTER_ORDER);
        registration.setName("hardeningAuthProblemFilter");
        return registration;
    }

    /** An issuer entry whose URIs are all blank, as {@code issuer-uri: ${OIDC_ISSUER:}} gives when the variable is unset. */
    private static boolean unset(HardeningProperties.Issuer issuer) {
        return (issuer.getIssuerUri() == null || issuer.getIssuerUri().isBlank())
                && (issuer.getJwkSetUri() == null || issuer.getJwkSetUri().isBlank());
    }

    static List<HardeningProperties.Issuer> issuers(HardeningProperties properties, Environment environment) {
        if (!properties.getAuth().getIssuers().isEmpty()) {
            return properties.getAuth().getIssuers();
        }
        Binder binder = Binder.get(environment);
        HardeningProperties.Issuer issuer = new HardeningProperties.Issuer();
        issuer.setIssuerUri(binder.bind(SPRING_JWT + ".issuer-uri", String.class).orElse(null));
        issuer.setJwkSetUri(binder.bind(SPRING_JWT + ".jwk-set-uri", String.class).orElse(null));
        issuer.setAudiences(binder.bind(SPRING_JWT + ".audiences", Bindable.listOf(String.class)).orElse(List.of()));
        return List.of(issuer);
    }

    static IssuerPolicy policy(HardeningProperties.Issuer issuer) {
        String iss = issuer.getIssuerUri();
        if (iss == null || iss.isBlank()) {
            throw new IllegalStateException("hardening.auth.issuers[].issuer-uri: unset (expected: the issuer's exact "
                    + "iss value; a JWKS URL alone would accept tokens from any issuer using those keys)");
        }
        IssuerPolicy.Builder b = issuer.getJwkSetUri() == null || issuer.getJwkSetUri().isBlank()
                ? IssuerPolicy.discovery(iss)
                : IssuerPolicy.jwksUri(iss, URI.create(issuer.getJwkSetUri()));
        List<String> audiences = new ArrayList<>(issuer.getAudiences());
        if (!audiences.isEmpty()) {
            b.audience(audiences.toArray(new String[0]));
        }
        String type = issuer.getTokenType() == null ? "any" : issuer.getTokenType().strip().toLowerCase(Locale.ROOT);
        switch (type) {
            case "any":
                break;
            case "at+jwt":
                b.profile(TokenProfile.RFC9068_ACCESS_TOKEN);
                break;
            default:
                throw new IllegalStateException("hardening.auth.issuers[].token-type: " + issuer.getTokenType()
                        + " (expected: any or at+jwt)");
        }
        return b.build();
    }

    /** Matches when at least one issuer is configured, in either property family. */
    static final class IssuersConfigured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment env = context.getEnvironment();
            if (env.containsProperty("hardening.auth.issuers[0].issuer-uri")
                    || env.getProperty("hardening.dev-issuer.enabled", Boolean.class, false)
                    && HardeningDevIssuerAutoConfiguration.devMode(env)
                    || env.containsProperty(SPRING_JWT + ".issuer-uri")
                    || env.containsProperty(SPRING_JWT + ".jwk-set-uri")) {
                return ConditionOutcome.match("an issuer is configured");
            }
            return ConditionOutcome.noMatch("no hardening.auth.issuers and no " + SPRING_JWT + ".issuer-uri");
        }
    }
}
