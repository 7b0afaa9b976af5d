package dev.hardening.micrometer;

import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookRejection;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.Checks;
import dev.hardening.micrometer.internal.MeteredTokenVerifier;
import dev.hardening.micrometer.internal.MeteredWebhookVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Meters for hardening-auth: token verifications and rejections, the JWKS cache of each issuer,
 * JWKS events, and webhook verifications.
 *
 * <pre>{@code
 * TokenVerifier verifier = AuthMetrics.instrument(TokenVerifier.builder()
 *         .issuer(policy)
 *         .listener(AuthMetrics.jwksListener(registry))
 *         .build(), registry);
 * WebhookVerifier github = AuthMetrics.instrument(GitHubWebhookVerifier.of("WEBHOOK_SECRET", secret), "github", registry);
 * }</pre>
 *
 * <p>Meters (tags in braces; every tag value is an enum constant, a reason code or a configured name):
 * <ul>
 *   <li>{@value #VERIFICATIONS} timer {outcome=accepted|rejected}: each call of the verifier;</li>
 *   <li>{@value #REJECTIONS} counter {reason}: one series per {@link RejectionReason#code()},
 *       registered at zero;</li>
 *   <li>{@value #JWKS_FETCHES} function counter {issuer, outcome=success|failure}: HTTP requests for
 *       discovery and JWK sets, retries included;</li>
 *   <li>{@value #JWKS_RATE_LIMITED} {issuer}, {@value #JWKS_UNKNOWN_KIDS} {issuer},
 *       {@value #JWKS_NEGATIVE_HITS} {issuer}: function counters;</li>
 *   <li>{@value #JWKS_KEY_AGE} gauge {issuer} in seconds (NaN before the first fetch),
 *       {@value #JWKS_STATE} gauge {issuer, state}: 1 for the current {@link JwksStatus.State}, else 0;</li>
 *   <li>{@value #JWKS_EVENTS} counter {type}: {@link JwksEvent.Type}s, through {@link #jwksListener};</li>
 *   <li>{@value #TOKEN_CACHE_LOOKUPS} function counter {result=hit|miss}, {@value #TOKEN_CACHE_DROPPED}
 *       function counter {reason=time|key_gone|policy_changed}, {@value #TOKEN_CACHE_SIZE} gauge: the
 *       verified-token cache, when the verifier has one ({@link TokenVerifier#cacheStats()});</li>
 *   <li>{@value #WEBHOOK_VERIFICATIONS} counter {webhook, outcome} and {@value #WEBHOOK_REJECTIONS}
 *       counter {webhook, reason}.</li>
 * </ul>
 * The issuers come from the verifier's configuration ({@link TokenVerifier#status()} when bound),
 * never from a token. This class has only static methods and is thread-safe.
 */
public final class AuthMetrics {

    /** Timer of token verifications. */
    public static final String VERIFICATIONS = "hardening.auth.token.verifications";
    /** Counter of token rejections by reason code. */
    public static final String REJECTIONS = "hardening.auth.token.rejections";
    /** Function counter of JWKS and discovery HTTP requests by outcome. */
    public static final String JWKS_FETCHES = "hardening.auth.jwks.fetches";
    /** Function counter of refreshes refused by the per-window fetch limit. */
    public static final String JWKS_RATE_LIMITED = "hardening.auth.jwks.refreshes.rate.limited";
    /** Function counter of tokens naming a key id the issuer does not publish. */
    public static final String JWKS_UNKNOWN_KIDS = "hardening.auth.jwks.unknown.kids";
    /** Function counter of unknown key ids answered from the negative cache. */
    public static final String JWKS_NEGATIVE_HITS = "hardening.auth.jwks.unknown.kids.cached";
    /** Gauge of the age of the keys in use, in seconds. */
    public static final String JWKS_KEY_AGE = "hardening.auth.jwks.key.age";
    /** Gauge, 1 for the current state of an issuer's keys. */
    public static final String JWKS_STATE = "hardening.auth.jwks.state";
    /** Counter of JWKS events by type. */
    public static final String JWKS_EVENTS = "hardening.auth.jwks.events";
    /** Function counter of verified-token cache lookups by result. */
    public static final String TOKEN_CACHE_LOOKUPS = "hardening.auth.token.cache.lookups";
    /** Function counter of verified-token cache entries dropped, by reason. */
    public static final String TOKEN_CACHE_DROPPED = "hardening.auth.token.cache.dropped";
    /** Gauge of the entries the verified-token cache holds. */
    public static final String TOKEN_CACHE_SIZE = "hardening.auth.token.cache.size";
    /** Counter of webhook verifications by outcome. */
    public static final String WEBHOOK_VERIFICATIONS = "hardening.auth.webhook.verifications";
    /** Counter of webhook rejections by reason code. */
    public static final String WEBHOOK_REJECTIONS = "hardening.auth.webhook.rejections";

    private AuthMetrics() {
    }

    /**
     * Wraps a verifier so that each verification is timed and each rejection counted by reason, and
     * binds the JWKS meters of every issuer the verifier is configured with. The wrapper forwards
     * every call, returns the same results and throws the same exceptions; a failure to record a
     * meter never changes a verification.
     *
     * @param verifier the verifier to instrument
     * @param registry where the meters go
     * @return the instrumented verifier; use it everywhere instead of {@code verifier}; thread-safe
     * @throws NullPointerException if an argument is null
     */
    public static TokenVerifier instrument(TokenVerifier verifier, MeterRegistry registry) {
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(registry, "registry");
        Timer accepted = Timer.builder(VERIFICATIONS).description("token verifications")
                .tag("outcome", "accepted").register(registry);
        Timer rejected = Timer.builder(VERIFICATIONS).description("token verifications")
                .tag("outcome", "rejected").register(registry);
        Map<RejectionReason, Counter> reasons = new EnumMap<>(RejectionReason.class);
        for (RejectionReason reason : RejectionReason.values()) {
            reasons.put(reason, Counter.builder(REJECTIONS).description("tokens rejected, by reason code")
                    .tag("reason", reason.code()).register(registry));
        }
        for (JwksStatus status : verifier.status()) {
            bindIssuer(verifier, status.issuer(), registry);
        }
        if (verifier.cacheStats().isPresent()) {
            bindCache(verifier, registry);
        }
        return new MeteredTokenVerifier(verifier, registry.config().clock(), accepted, rejected, reasons);
    }

    private static void bindCache(TokenVerifier verifier, MeterRegistry registry) {
        cacheCounter(registry, TOKEN_CACHE_LOOKUPS, "verified-token cache lookups", verifier,
                dev.hardening.auth.TokenCache.Stats::hits, "result", "hit");
        cacheCounter(registry, TOKEN_CACHE_LOOKUPS, "verified-token cache lookups", verifier,
                dev.hardening.auth.TokenCache.Stats::misses, "result", "miss");
        cacheCounter(registry, TOKEN_CACHE_DROPPED, "verified-token cache entries dropped", verifier,
                dev.hardening.auth.TokenCache.Stats::droppedTime, "reason", "time");
        cacheCounter(registry, TOKEN_CACHE_DROPPED, "verified-token cache entries dropped", verifier,
                dev.hardening.auth.TokenCache.Stats::droppedKeyGone, "reason", "key_gone");
        cacheCounter(registry, TOKEN_CACHE_DROPPED, "verified-token cache entries dropped", verifier,
                dev.hardening.auth.TokenCache.Stats::droppedPolicyChanged, "reason", "policy_changed");
        Gauge.builder(TOKEN_CACHE_SIZE, verifier, v -> v.cacheStats().map(s -> (double) s.size()).orElse(0.0))
                .description("entries the verified-token cache holds").register(registry);
    }

    private static void cacheCounter(MeterRegistry registry, String name, String description, TokenVerifier verifier,
                                     java.util.function.ToLongFunction<dev.hardening.auth.TokenCache.Stats> value,
                                     String tag, String tagValue) {
        FunctionCounter.builder(name, verifier, v -> v.cacheStats().map(s -> (double) value.applyAsLong(s)).orElse(0.0))
                .description(description).tag(tag, tagValue).register(registry);
    }

    private static void bindIssuer(TokenVerifier verifier, String issuer, MeterRegistry registry) {
        functionCounter(registry, JWKS_FETCHES, "JWKS and discovery HTTP requests", verifier, issuer,
                s -> s.fetches() - s.fetchFailures(), "outcome", "success");
        functionCounter(registry, JWKS_FETCHES, "JWKS and discovery HTTP requests", verifier, issuer,
                JwksStatus::fetchFailures, "outcome", "failure");
        functionCounter(registry, JWKS_RATE_LIMITED, "key refreshes refused by the fetch limit", verifier, issuer,
                JwksStatus::rateLimitedRefreshes);
        functionCounter(registry, JWKS_UNKNOWN_KIDS, "tokens naming a key id the issuer does not publish",
                verifier, issuer, JwksStatus::unknownKids);
        functionCounter(registry, JWKS_NEGATIVE_HITS, "unknown key ids answered from the negative cache",
                verifier, issuer, JwksStatus::negativeCacheHits);
        Gauge.builder(JWKS_KEY_AGE, verifier, v -> find(v, issuer)
                        .flatMap(JwksStatus::keyAge)
                        .map(age -> age.toNanos() / 1e9)
                        .orElse(Double.NaN))
                .description("age of the issuer's keys in use").baseUnit("seconds")
                .tag("issuer", issuer).register(registry);
        for (JwksStatus.State state : JwksStatus.State.values()) {
            Gauge.builder(JWKS_STATE, verifier, v -> find(v, issuer).map(s -> s.state() == state ? 1.0 : 0.0)
                            .orElse(Double.NaN))
                    .description("1 for the current state of the issuer's keys")
                    .tag("issuer", issuer).tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    private static void functionCounter(MeterRegistry registry, String name, String description, TokenVerifier verifier,
                                        String issuer, java.util.function.ToLongFunction<JwksStatus> value,
                                        String... tags) {
        ToDoubleFunction<TokenVerifier> f = v -> find(v, issuer).map(s -> (double) value.applyAsLong(s)).orElse(0.0);
        FunctionCounter.builder(name, verifier, f).description(description).tag("issuer", issuer).tags(tags)
                .register(registry);
    }

    private static Optional<JwksStatus> find(TokenVerifier verifier, String issuer) {
        List<JwksStatus> all = verifier.status();
        for (JwksStatus s : all) {
            if (s.issuer().equals(issuer)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * A listener counting JWKS events by type ({@value #JWKS_EVENTS}); pass it to
     * {@link TokenVerifier.Builder#listener}. The event's detail (key ids, URLs) is never a tag.
     *
     * @param registry where the counter goes
     * @return the listener; thread-safe, never throws
     * @throws NullPointerException if {@code registry} is null
     */
    public static JwksListener jwksListener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Map<JwksEvent.Type, Counter> counters = new EnumMap<>(JwksEvent.Type.class);
        for (JwksEvent.Type type : JwksEvent.Type.values()) {
            counters.put(type, Counter.builder(JWKS_EVENTS).description("JWKS cache events, by type")
                    .tag("type", type.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        return event -> counters.get(event.type()).increment();
    }

    /**
     * Wraps a webhook verifier so that each verification is counted by outcome and each rejection by
     * reason code. The wrapper forwards {@code verify} and {@code findings} unchanged.
     *
     * @param verifier the verifier
     * @param name     the webhook's name for the {@code webhook} tag (1 to 64 of letters, digits, {@code . _ - :})
     * @param registry where the meters go
     * @return the instrumented verifier; thread-safe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static WebhookVerifier instrument(WebhookVerifier verifier, String name, MeterRegistry registry) {
        Objects.requireNonNull(verifier, "verifier");
        Checks.name(name, "name");
        Objects.requireNonNull(registry, "registry");
        Counter accepted = Counter.builder(WEBHOOK_VERIFICATIONS).description("webhook deliveries verified")
                .tag("webhook", name).tag("outcome", "accepted").register(registry);
        Counter rejected = Counter.builder(WEBHOOK_VERIFICATIONS).description("webhook deliveries verified")
                .tag("webhook", name).tag("outcome", "rejected").register(registry);
        Map<WebhookRejection, Counter> reasons = new EnumMap<>(WebhookRejection.class);
        for (WebhookRejection reason : WebhookRejection.values()) {
            reasons.put(reason, Counter.builder(WEBHOOK_REJECTIONS).description("webhook deliveries refused, by reason")
                    .tag("webhook", name).tag("reason", reason.code()).register(registry));
        }
        return new MeteredWebhookVerifier(verifier, accepted, rejected, reasons);
    }
}
