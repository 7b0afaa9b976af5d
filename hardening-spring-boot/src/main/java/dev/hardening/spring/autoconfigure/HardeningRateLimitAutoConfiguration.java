package dev.hardening.spring.autoconfigure;

import dev.hardening.config.Finding;
import dev.hardening.config.ProblemCode;
import dev.hardening.config.StartupCheck;
import dev.hardening.ratelimit.FallbackMode;
import dev.hardening.ratelimit.RateLimitBackend;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimitSpecException;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.SharedBackend;
import dev.hardening.ratelimit.TrustedProxies;
import dev.hardening.ratelimit.redis.RedisBackend;
import dev.hardening.ratelimit.servlet.RateLimitServletFilter;
import dev.hardening.ratelimit.servlet.RequestKeyResolver;
import dev.hardening.spring.HardeningJwtDecoder;
import dev.hardening.spring.HardeningProperties;
import dev.hardening.spring.internal.BearerIdentification;
import dev.hardening.spring.internal.PathMatchingFilter;
import dev.hardening.spring.internal.WarmUpGate;
import dev.hardening.spring.internal.SpringDataRedis;
import dev.hardening.spring.internal.PropertyVariables;
import dev.hardening.spring.internal.StarterCheck;
import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import dev.hardening.spring.internal.StarterInstrumentation;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Rate limits for the configured path patterns ({@code hardening.rate-limit.paths}, default
 * {@code /api/**}) through hardening-ratelimit's {@link RateLimiting} and
 * {@link RateLimitServletFilter}; over the limit a 429 with {@code Retry-After},
 * {@code RateLimit} / {@code RateLimit-Policy} and a problem body, exactly as the other adapters
 * answer. Where the filter runs and how it keys a request:
 * <ul>
 *   <li>when the {@code JwtDecoder} bean is the starter's {@link HardeningJwtDecoder} (its own, or
 *       one the application built with {@code HardeningJwtDecoder.of}): <b>before</b> Spring
 *       Security ({@link #FILTER_ORDER}), as the JDK sample identifies, limits, then requires. A
 *       bearer token, read as Spring Security reads it, is verified by that decoder and the request
 *       keyed by its subject ({@code sub:…}); without a token, or with one that is malformed or
 *       rejected, by the client address behind the trusted proxies. So an anonymous or
 *       badly-authenticated caller over the limit gets 429, not Spring Security's 401. The outcome
 *       stays with the request, and the decoder answers Spring Security's call for the same token
 *       from it: one verification per request. A DPoP request is verified with its proof by the
 *       DPoP filter just before this one and keyed by its subject too; a DPoP request that filter
 *       refuses (401) is answered before it is counted;</li>
 *   <li>otherwise (the application's own {@code JwtDecoder}, another authentication, or none):
 *       just <b>after</b> Spring Security ({@link #AFTER_SECURITY_FILTER_ORDER}), keyed by Spring
 *       Security's authenticated principal ({@code sub:<name>}), else the client address. The
 *       starter cannot know who the caller is before a decoder it does not own has run, and keying
 *       every authenticated caller by address would put all users behind one gateway or NAT in one
 *       bucket; the price is that requests Spring Security refuses (401) are not counted.</li>
 * </ul>
 *
 * <p>Where the counts live: {@code hardening.rate-limit.redis-uri} when set; otherwise the server of
 * the application's Spring Data Redis {@code LettuceConnectionFactory} when there is one (the limiter
 * opens its own fail-fast connection to it: 100 ms command timeout, commands refused while
 * disconnected, so a dead Redis costs a request nothing but the fallback); otherwise memory, which
 * the startup report FAILs in production ({@code HR-B001}) unless {@code backend=memory} was chosen.
 * A property the starter cannot use is a FAIL line ({@code HC-E00x}, naming the variable the property
 * was mapped from) in the same report rather than a failed bean. The {@link RateLimiting} bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        // Spring Boot 3.5's name of the same auto-configuration
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"})
@ConditionalOnClass(name = "jakarta.servlet.Filter")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "hardening.rate-limit", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HardeningProperties.class)
public final class HardeningRateLimitAutoConfiguration {

    /**
     * Order of the rate limit filter when the starter's decoder is in use: just before Spring
     * Security's filter (-100), after the DPoP filter (-102).
     */
    public static final int FILTER_ORDER = -101;

    /**
     * Order of the rate limit filter when the application's own {@code JwtDecoder} (or no decoder)
     * is in use: just after Spring Security's filter (-100), so the principal is known.
     */
    public static final int AFTER_SECURITY_FILTER_ORDER = -90;

    /** The {@code limiter} tag of the starter's rate limiter's meters. */
    public static final String LIMITER_NAME = "api";

    private static final String PREFIX = "hardening.rate-limit.";
    /** The longest wait at startup for the limiter's Redis (as the JDK sample's). */
    private static final java.time.Duration REDIS_AT_BOOT = java.time.Duration.ofSeconds(5);
    /** The report's id of the line on whether the limiter's Redis answered at boot. */
    public static final String REDIS_AT_BOOT_FINDING = "HS-R002";
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(HardeningRateLimitAutoConfiguration.class);
    private static final String BEARER_TOKEN_RESOLVER =
            "org.springframework.security.oauth2.server.resource.web.BearerTokenResolver";
    private static final String JWT_DECODER = "org.springframework.security.oauth2.jwt.JwtDecoder";
    private static final String LETTUCE_FACTORY =
            "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

    private final List<Finding> problems = new ArrayList<>();
    private final List<Finding> notes = new ArrayList<>();
    private Environment environment;

    /** Created by Spring. */
    public HardeningRateLimitAutoConfiguration() {
    }

    /**
     * @param properties the starter's properties
     * @param beans      the application's beans (for its Spring Data Redis connection factory)
     * @param instrumentation the meters to bind ({@code limiter="api"}), if any
     * @param environment Spring's environment (the variables the properties were mapped from, for the report)
     * @return the limiter, mode, trusted proxies and dedup stores; unusable properties are reported
     *     by {@link #hardeningRateLimitCheck} and replaced by their defaults
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RateLimiting hardeningRateLimiting(HardeningProperties properties, ListableBeanFactory beans,
                                              ObjectProvider<StarterInstrumentation> instrumentation,
                                              Environment environment) {
        this.environment = environment;
        HardeningProperties.RateLimit p = properties.getRateLimit();
        RateLimiting.Builder b = RateLimiting.builder();
        try {
            b.policy(RateLimitPolicy.parse(p.getLimits()));
        } catch (RateLimitSpecException e) {
            problems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, PREFIX + "limits",
                    PropertyVariables.quote(String.valueOf(p.getLimits())) + " is not a valid rate limit: " + e.getMessage(),
                    "write comma-separated N/duration limits such as 100/1m,1000/1h"));
        }
        Optional<FallbackMode> fallback = parseEnum(FallbackMode.class, p.getFallback(), "fallback", "local, open, closed");
        fallback.ifPresent(b::fallback);
        String backend = p.getBackend() == null ? "auto" : p.getBackend().strip().toLowerCase(Locale.ROOT);
        if (backend.equals("memory")) {
            b.backend(RateLimitBackend.MEMORY);
        } else if (!backend.equals("auto") && !backend.equals("redis")) {
            problems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, PREFIX + "backend",
                    safe(p.getBackend()) + " is not one of auto, redis, memory", "write one of auto, redis, memory"));
        }
        if (p.getTrustedProxies() != null && !p.getTrustedProxies().isBlank()) {
            try {
                b.trustedProxies(TrustedProxies.parse(p.getTrustedProxies()));
            } catch (RuntimeException e) {
                problems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, PREFIX + "trusted-proxies",
                        String.valueOf(e.getMessage()), "write comma-separated CIDRs such as 10.0.0.0/8"));
            }
        }
        Optional<SharedBackend> shared = backend.equals("memory") ? Optional.empty() : shared(p, beans);
        shared.ifPresent(b::shared);
        if (backend.equals("redis")) {
            if (shared.isPresent()) {
                b.backend(RateLimitBackend.REDIS);
            } else {
                problems.add(PropertyVariables.problem(environment, ProblemCode.INVALID, PREFIX + "backend",
                        "redis chosen but no Redis is configured", "set " + PropertyVariables.subject(environment,
                                PREFIX + "redis-uri") + " or configure Spring Data Redis (Lettuce)"));
            }
        }
        RateLimiting built = b.build();
        awaitRedis(built, p.getRedisUri() != null && !p.getRedisUri().isBlank()
                ? PropertyVariables.subject(environment, PREFIX + "redis-uri") : "spring.data.redis");
        instrumentation.getIfAvailable(() -> StarterInstrumentation.NONE).rateLimiting(built, LIMITER_NAME);
        return built;
    }

    /**
     * Waits, at most {@link #REDIS_AT_BOOT}, for the limiter's Redis, so that the first requests
     * already share rate limits, webhook ids and DPoP proof ids across replicas. The outcome is a
     * report line ({@link #REDIS_AT_BOOT_FINDING}): PASS when it answered; WARN, and a log line, when it
     * did not, and the service starts anyway (fallback, DPoP refused until it connects).
     */
    private void awaitRedis(RateLimiting built, String subject) {
        if (built.shared().isEmpty() || !(built.shared().get() instanceof RedisBackend redis)) {
            return;
        }
        boolean answered;
        try {
            answered = redis.awaitConnected(REDIS_AT_BOOT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answered = false;
        }
        String where = "Redis at " + String.join(",", redis.hosts());
        if (answered) {
            notes.add(Finding.pass(REDIS_AT_BOOT_FINDING, "12-factor IV: backing services", subject,
                    where + " answered at boot", "none"));
            return;
        }
        LOG.warn("{}: not connected within {} s; rate limits use the fallback and DPoP-bound requests are "
                + "refused until it is", redis.description(), REDIS_AT_BOOT.toSeconds());
        notes.add(Finding.warn(REDIS_AT_BOOT_FINDING, "12-factor IV: backing services", subject,
                where + " did not answer within " + REDIS_AT_BOOT.toSeconds() + " s of boot: rate limits follow"
                        + " the fallback (" + built.fallback().name().toLowerCase(Locale.ROOT)
                        + ") and DPoP-bound requests are refused until it answers",
                "start Redis or correct " + subject + "; the service connects by itself once Redis answers"));
    }

    private Optional<SharedBackend> shared(HardeningProperties.RateLimit p, ListableBeanFactory beans) {
        if (p.getRedisUri() != null && !p.getRedisUri().isBlank()) {
            try {
                return Optional.of(RedisBackend.connect(p.getRedisUri()));
            } catch (RateLimitSpecException e) {
                problems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, PREFIX + "redis-uri",
                        String.valueOf(e.getMessage()),
                        "write redis://host:port, rediss://…, redis-sentinel://…#master or a node list"));
                return Optional.empty();
            }
        }
        if (!ClassUtils.isPresent(LETTUCE_FACTORY, HardeningRateLimitAutoConfiguration.class.getClassLoader())) {
            return Optional.empty();
        }
        Optional<SpringDataRedis.Found> found = SpringDataRedis.find(beans);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.get().unsupported().isPresent()) {
            notes.add(Finding.warn("HS-R001", "12-factor VI: processes", PREFIX + "redis-uri",
                    "Spring Data Redis uses " + found.get().unsupported().get()
                            + ", which the starter does not follow: rate limits are kept in memory",
                    "set " + PREFIX + "redis-uri to the same servers"));
            return Optional.empty();
        }
        try {
            return Optional.of(RedisBackend.builder(found.get().uri().orElseThrow()).build());
        } catch (RateLimitSpecException e) {
            problems.add(PropertyVariables.problem(environment, ProblemCode.INVALID, "spring.data.redis",
                    String.valueOf(e.getMessage()), "set " + PropertyVariables.subject(environment, PREFIX + "redis-uri")));
            return Optional.empty();
        }
    }

    private <E extends Enum<E>> Optional<E> parseEnum(Class<E> type, String value, String property, String expected) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problems.add(PropertyVariables.problem(environment, ProblemCode.UNPARSABLE, PREFIX + property,
                    safe(value) + " is not one of " + expected, "write one of " + expected));
            return Optional.empty();
        }
    }

    private static String safe(String value) {
        String v = value == null ? "" : value.strip();
        return v.length() > 40 || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "(unprintable or long value)"
                : PropertyVariables.quote(v);
    }

    /**
     * @param rateLimiting the rate limiting in use (the application's or the starter's)
     * @return its findings ({@code HR-…}) with the starter's property problems ({@code HC-E00x},
     *     {@code HS-R001}) in front
     */
    @Bean
    public StartupCheck hardeningRateLimitCheck(RateLimiting rateLimiting) {
        List<Finding> all = new ArrayList<>(problems);
        all.addAll(notes);
        return new StarterCheck(all, List.of(rateLimiting.startupCheck()));
    }

    /**
     * @param properties   the starter's properties
     * @param rateLimiting the rate limiting in use
     * @param beans        the application's beans (for the {@code JwtDecoder} and {@code BearerTokenResolver})
     * @param gates        the warm-up gate: the warm-up request passes the limiter untouched and uncounted
     * @return the filter for {@code hardening.rate-limit.paths}: before Spring Security at
     *     {@link #FILTER_ORDER}, keyed by the subject the starter's decoder verified, when that decoder
     *     is in use; else after it at {@link #AFTER_SECURITY_FILTER_ORDER}, keyed by the principal
     */
    @Bean
    @ConditionalOnMissingBean(name = "hardeningRateLimitFilter")
    public FilterRegistrationBean<PathMatchingFilter> hardeningRateLimitFilter(HardeningProperties properties,
                                                                               RateLimiting rateLimiting,
                                                                               ListableBeanFactory beans,
                                                                               ObjectProvider<WarmUpGate> gates) {
        RequestKeyResolver address = RequestKeyResolver.clientAddress(rateLimiting.trustedProxies());
        Optional<BearerIdentification> identification =
                ClassUtils.isPresent(BEARER_TOKEN_RESOLVER, HardeningRateLimitAutoConfiguration.class.getClassLoader())
                        && ClassUtils.isPresent(JWT_DECODER, HardeningRateLimitAutoConfiguration.class.getClassLoader())
                        ? BearerIdentification.find(beans) : Optional.empty();
        Filter limiter;
        int order;
        if (identification.isPresent()) {
            limiter = identification.get().around(RateLimitServletFilter.builder(rateLimiting)
                    .keyResolver(identification.get().subjectOr(address)).build());
            order = FILTER_ORDER;
        } else {
            limiter = RateLimitServletFilter.builder(rateLimiting)
                    .keyResolver(RequestKeyResolver.principalOrClientAddress(rateLimiting.trustedProxies()))
                    .build();
            order = AFTER_SECURITY_FILTER_ORDER;
        }
        WarmUpGate gate = gates.getIfAvailable(WarmUpGate::new);
        Filter counted = limiter;
        Filter uncountedWhileWarming = (request, response, chain) -> {
            if (gate.warming()) {
                chain.doFilter(request, response); // the warm-up request: no bucket, no decision counted
            } else {
                counted.doFilter(request, response, chain);
            }
        };
        FilterRegistrationBean<PathMatchingFilter> reg = new FilterRegistrationBean<>(
                new PathMatchingFilter(properties.getRateLimit().getPaths(), uncountedWhileWarming));
        reg.setName("hardeningRateLimitFilter");
        reg.setOrder(order);
        return reg;
    }
}
