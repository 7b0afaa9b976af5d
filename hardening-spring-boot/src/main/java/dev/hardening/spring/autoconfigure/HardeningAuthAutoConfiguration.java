package dev.hardening.spring.autoconfigure;

import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.dev.DevIssuer;
import dev.hardening.spring.HardeningJwtDecoder;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.config.StartupCheck;
import dev.hardening.spring.internal.AuthProblemFilter;
import dev.hardening.spring.internal.StarterCheck;
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
@AutoConfiguration(beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.security.oauth2.jwt.JwtDecoder")
@ConditionalOnProperty(prefix = "hardening.auth", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningAuthAutoConfiguration {

    /** Order of the problem filter: just outside Spring Security's filter (-100). */
    public static final int PROBLEM_FILTER_ORDER = -110;

    private static final String SPRING_JWT = "spring.security.oauth2.resourceserver.jwt";
    /** The issuer of a verifier with no usable issuer: matches no token. */
    private static final String UNUSABLE_ISSUER = "urn:hardening:no-usable-issuer";

    private final List<dev.hardening.config.Finding> issuerProblems = new ArrayList<>();

    /** Created by Spring. */
    public HardeningAuthAutoConfiguration() {
    }

    /**
     * @param properties the starter's properties
     * @param environment Spring's environment (for Spring's own resource server properties)
     * @param devIssuer the dev issuer (dev mode with {@code hardening.dev-issuer.enabled}): trusted too;
     *     an issuer entry left blank by an unset variable is then skipped instead of reported
     * @return a verifier for every configured issuer, already fetching keys in the background; an
     *     issuer that cannot be used (no issuer URI, no audience, unknown token type, malformed URL) is
     *     left out and reported by {@link #hardeningAuthCheck} as a FAIL line of the startup report,
     *     next to every other problem, instead of failing here. When no issuer is usable the verifier
     *     accepts nothing and fetches nothing (the report refuses the start anyway)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(IssuersConfigured.class)
    public TokenVerifier hardeningTokenVerifier(HardeningProperties properties, Environment environment,
                                                ObjectProvider<DevIssuer> devIssuer) {
        TokenVerifier.Builder builder = TokenVerifier.builder();
        List<HardeningProperties.Issuer> issuers = issuers(properties, environment);
        int usable = 0;
        DevIssuer dev = devIssuer.getIfAvailable();
        if (dev != null) {
            builder.issuer(dev.policy().build());
            usable++;
        }
        for (int i = 0; i < issuers.size(); i++) {
            if (dev != null && unset(issuers.get(i))) {
                continue; // dev mode: an issuer mapped from an unset variable; the dev issuer stands in
            }
            try {
                builder.issuer(policy(issuers.get(i)));
                usable++;
            } catch (RuntimeException e) {
                String subject = properties.getAuth().getIssuers().isEmpty() ? SPRING_JWT : "hardening.auth.issuers[" + i + "]";
                issuerProblems.add(StarterCheck.propertyError(subject, String.valueOf(e.getMessage()),
                        "issuer-uri (the exact iss), audiences (at least one), token-type any or at+jwt, https URLs"));
            }
        }
        if (usable == 0) {
            builder.issuer(IssuerPolicy.jwksUri(UNUSABLE_ISSUER, URI.create("https://invalid.invalid/jwks"))
                    .audience(UNUSABLE_ISSUER).build());
            return builder.build();
        }
        TokenVerifier verifier = builder.build();
        if (issuerProblems.isEmpty()) {
            verifier.warmUp();
        }
        return verifier;
    }

    /**
     * @param verifier the verifier in use (built first, so its problems are known)
     * @return the issuer problems ({@code HS-C001}) met while building the starter's verifier
     */
    @Bean
    @ConditionalOnBean(TokenVerifier.class)
    public StartupCheck hardeningAuthCheck(TokenVerifier verifier) {
        return new StarterCheck(issuerProblems, List.of());
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

    /** @return the filter that turns unavailable keys into 503 and adds problem bodies to challenges */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnMissingBean(name = "hardeningAuthProblemFilter")
    public FilterRegistrationBean<AuthProblemFilter> hardeningAuthProblemFilter() {
        FilterRegistrationBean<AuthProblemFilter> registration = new FilterRegistrationBean<>(new AuthProblemFilter());
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
