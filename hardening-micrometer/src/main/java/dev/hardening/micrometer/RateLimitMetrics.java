package dev.hardening.micrometer;

import dev.hardening.config.Checks;
import dev.hardening.micrometer.internal.MeteredDedupStore;
import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitCounters;
import dev.hardening.ratelimit.RateLimitListener;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.RateLimiting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters for hardening-ratelimit: decisions by outcome and source, the Redis circuit breaker, the
 * latency of Redis calls, fallback activations, and dedup stores.
 *
 * <pre>{@code
 * RateLimiting rateLimiting = RateLimiting.builder()...build();
 * RateLimitMetrics.bind(rateLimiting, "api", registry);
 * DedupStore deliveries = RateLimitMetrics.instrument(rateLimiting.dedupStore("github", DedupStore.DEFAULT_TTL),
 *         "github", registry);
 * }</pre>
 *
 * <p>Meters (tags in braces; {@code limiter} is the name the application passes):
 * <ul>
 *   <li>{@value #DECISIONS} counter {limiter, outcome=allowed|denied|shadow_denied, source}: one per
 *       decision; {@code source} is the {@link DecisionSource} in lower case ({@code redis},
 *       {@code local}, {@code fallback_local}, {@code fallback_open}, {@code fallback_closed});
 *       in {@link EnforcementMode#SHADOW} a denial is counted as {@code shadow_denied} (the request
 *       went through);</li>
 *   <li>{@value #BACKEND_CALLS} timer {limiter, outcome=success|failure}: calls to the shared backend
 *       (Redis) made by the resilient limiter;</li>
 *   <li>{@value #BREAKER_TRANSITIONS} counter {limiter, to}, {@value #FALLBACK_ACTIVATIONS} counter
 *       {limiter} (transitions into {@code OPEN} or {@code FORCED_OPEN}: from then on the fallback
 *       decides), {@value #BREAKER_STATE} gauge {limiter, state}: 1 for the current state
 *       ({@code none} without a shared backend);</li>
 *   <li>{@value #BACKEND_ERRORS}, {@value #OVERFLOW}, {@value #CORRUPT} function counters {limiter};</li>
 *   <li>{@value #DEDUP} counter {store, outcome=first|duplicate}.</li>
 * </ul>
 * Caller keys and delivery ids are never tags. This class has only static methods and is thread-safe.
 */
public final class RateLimitMetrics {

    /** Counter of decisions by outcome and source. */
    public static final String DECISIONS = "hardening.ratelimit.decisions";
    /** Timer of calls to the shared backend. */
    public static final String BACKEND_CALLS = "hardening.ratelimit.backend.calls";
    /** Function counter of backend errors (failures, timeouts, error replies). */
    public static final String BACKEND_ERRORS = "hardening.ratelimit.backend.errors";
    /** Counter of circuit-breaker transitions by target state. */
    public static final String BREAKER_TRANSITIONS = "hardening.ratelimit.breaker.transitions";
    /** Counter of times the fallback took over. */
    public static final String FALLBACK_ACTIVATIONS = "hardening.ratelimit.fallback.activations";
    /** Gauge, 1 for the breaker's current state. */
    public static final String BREAKER_STATE = "hardening.ratelimit.breaker.state";
    /** Function counter of decisions charged to a local limiter's overflow bucket. */
    public static final String OVERFLOW = "hardening.ratelimit.overflow.decisions";
    /** Function counter of corrupt Redis values replaced. */
    public static final String CORRUPT = "hardening.ratelimit.corrupt.values";
    /** Counter of dedup checks by outcome. */
    public static final String DEDUP = "hardening.dedup.checks";

    /** Breaker states that get a {@value #BREAKER_STATE} series; any other shows as {@code other}. */
    static final List<String> BREAKER_STATES =
            List.of("NONE", "CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "DISABLED", "METRICS_ONLY", "OTHER");

    private RateLimitMetrics() {
    }

    /**
     * Binds the meters of the limiter a {@link RateLimiting} built, taking its enforcement mode into
     * account. Call once per {@code RateLimiting}.
     *
     * @param rateLimiting the rate limiting
     * @param name         the {@code limiter} tag (1 to 64 of letters, digits, {@code . _ - :})
     * @param registry     where the meters go
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     * @throws IllegalStateException    if the counters already have {@link RateLimitCounters#MAX_LISTENERS} listeners
     */
    public static void bind(RateLimiting rateLimiting, String name, MeterRegistry registry) {
        Objects.requireNonNull(rateLimiting, "rateLimiting");
        bind(rateLimiting.limiter(), rateLimiting.mode(), name, registry);
    }

    /**
     * Binds the meters of one limiter (local, shared or resilient) whose decisions are enforced.
     *
     * @param limiter  the limiter
     * @param name     the {@code limiter} tag (1 to 64 of letters, digits, {@code . _ - :})
     * @param registry where the meters go
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     * @throws IllegalStateException    if the counters already have {@link RateLimitCounters#MAX_LISTENERS} listeners
     */
    public static void bind(RateLimiter limiter, String name, MeterRegistry registry) {
        bind(limiter, EnforcementMode.ENFORCE, name, registry);
    }

    private static void bind(RateLimiter limiter, EnforcementMode mode, String name, MeterRegistry registry) {
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(mode, "mode");
        Checks.name(name, "name");
        Objects.requireNonNull(registry, "registry");
        RateLimitCounters counters = limiter.counters();
        DecisionSource[] sources = DecisionSource.values();
        Counter[] allowed = new Counter[sources.length];
        Counter[] denied = new Counter[sources.length];
        String deniedOutcome = mode == EnforcementMode.SHADOW ? "shadow_denied" : "denied";
        for (DecisionSource source : sources) {
            String s = source.name().toLowerCase(Locale.ROOT);
            allowed[source.ordinal()] = decisions(registry, name, "allowed", s);
            denied[source.ordinal()] = decisions(registry, name, deniedOutcome, s);
        }
        Timer callsOk = Timer.builder(BACKEND_CALLS).description("calls to the shared rate-limit backend")
                .tag("limiter", name).tag("outcome", "success").register(registry);
        Timer callsFailed = Timer.builder(BACKEND_CALLS).description("calls to the shared rate-limit backend")
                .tag("limiter", name).tag("outcome", "failure").register(registry);
        Counter activations = Counter.builder(FALLBACK_ACTIVATIONS)
                .description("times the circuit breaker opened and the fallback took over")
                .tag("limiter", name).register(registry);
        FunctionCounter.builder(BACKEND_ERRORS, counters, RateLimitCounters::errors)
                .description("shared backend errors").tag("limiter", name).register(registry);
        FunctionCounter.builder(OVERFLOW, counters, RateLimitCounters::overflowDecisions)
                .description("decisions charged to the overflow bucket of a full local limiter")
                .tag("limiter", name).register(registry);
        FunctionCounter.builder(CORRUPT, counters, RateLimitCounters::corruptValues)
                .description("corrupt values found in the shared backend and replaced")
                .tag("limiter", name).register(registry);
        for (String state : BREAKER_STATES) {
            Gauge.builder(BREAKER_STATE, counters, c -> breakerState(c.breakerState()).equals(state) ? 1.0 : 0.0)
                    .description("1 for the current state of the circuit breaker guarding the shared backend")
                    .tag("limiter", name).tag("state", state.toLowerCase(Locale.ROOT)).register(registry);
        }
        counters.addListener(new RateLimitListener() {
            @Override
            public void onDecision(Decision decision) {
                (decision.allowed() ? allowed : denied)[decision.source().ordinal()].increment();
            }

            @Override
            public void onPrimaryCall(Duration took, boolean succeeded) {
                (succeeded ? callsOk : callsFailed).record(took);
            }

            @Override
            public void onBreakerTransition(String from, String to) {
                String state = breakerState(to);
                Counter.builder(BREAKER_TRANSITIONS).description("circuit-breaker transitions, by state entered")
                        .tag("limiter", name).tag("to", state.toLowerCase(Locale.ROOT)).register(registry)
                        .increment();
                if (state.equals("OPEN") || state.equals("FORCED_OPEN")) {
                    activations.increment();
                }
            }
        });
    }

    private static Counter decisions(MeterRegistry registry, String name, String outcome, String source) {
        return Counter.builder(DECISIONS).description("rate-limit decisions, by outcome and deciding backend")
                .tag("limiter", name).tag("outcome", outcome).tag("source", source).register(registry);
    }

    /** Maps a state name to one of {@link #BREAKER_STATES}, so no other value becomes a tag. */
    static String breakerState(String state) {
        return BREAKER_STATES.contains(state) ? state : "OTHER";
    }

    /**
     * Wraps a dedup store so that each {@link DedupStore#markIfFirst} is counted by outcome
     * ({@value #DEDUP}); the id is never a tag. Every other method is forwarded unchanged.
     *
     * @param store    the store
     * @param name     the {@code store} tag (1 to 64 of letters, digits, {@code . _ - :})
     * @param registry where the counter goes
     * @return the instrumented store; thread-safe
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static DedupStore instrument(DedupStore store, String name, MeterRegistry registry) {
        Objects.requireNonNull(store, "store");
        Checks.name(name, "name");
        Objects.requireNonNull(registry, "registry");
        Counter first = Counter.builder(DEDUP).description("dedup checks, by outcome")
                .tag("store", name).tag("outcome", "first").register(registry);
        Counter duplicate = Counter.builder(DEDUP).description("dedup checks, by outcome")
                .tag("store", name).tag("outcome", "duplicate").register(registry);
        return new MeteredDedupStore(store, first, duplicate);
    }
}
