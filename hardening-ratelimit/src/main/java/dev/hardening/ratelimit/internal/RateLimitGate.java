package dev.hardening.ratelimit.internal;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimitHeaders;
import dev.hardening.ratelimit.RateLimitUnavailableException;
import dev.hardening.ratelimit.RateLimiter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both HTTP filters do with one request, framework-neutral: ask the limiter, apply the
 * enforcement mode, and answer either "proceed, with these header fields" or a
 * {@link RejectionResponse}. Not public API. Thread-safe.
 */
public final class RateLimitGate {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitGate.class);

    private final RateLimiter limiter;
    private final EnforcementMode mode;
    private final String policyHeader;

    /** The answer for one request. */
    public static final class Outcome {
        private final Map<String, String> headers;
        private final Optional<RejectionResponse> rejection;

        private Outcome(Map<String, String> headers, Optional<RejectionResponse> rejection) {
            this.headers = headers;
            this.rejection = rejection;
        }

        /** @return header fields to add when the request proceeds; unmodifiable, possibly empty */
        public Map<String, String> headers() {
            return headers;
        }

        /** @return the response to send instead of proceeding, if the request is rejected */
        public Optional<RejectionResponse> rejection() {
            return rejection;
        }
    }

    /**
     * @param limiter the limiter
     * @param mode    enforce or observe
     */
    public RateLimitGate(RateLimiter limiter, EnforcementMode mode) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.policyHeader = RateLimitHeaders.policy(limiter.policy());
    }

    /**
     * @param key the caller's key
     * @return whether to proceed (and with which header fields) or what to answer instead
     */
    public Outcome check(String key) {
        Decision decision;
        try {
            decision = limiter.tryAcquire(key, 1);
        } catch (RateLimitUnavailableException e) {
            return new Outcome(Map.of(), Optional.of(RejectionResponse.unavailable()));
        }
        if (mode == EnforcementMode.SHADOW) {
            if (!decision.allowed()) {
                limiter.counters().recordShadowDenied();
                LOG.debug("shadow mode: would deny a request under {}", limiter.policy());
            }
            return new Outcome(Map.of(), Optional.empty());
        }
        if (decision.allowed()) {
            return new Outcome(RejectionResponse.quotaHeaders(decision, policyHeader), Optional.empty());
        }
        return new Outcome(Map.of(), Optional.of(RejectionResponse.tooManyRequests(decision, policyHeader)));
    }

    /** @return the limiter's description for filter listings, e.g. {@code rate limit 100/1m (ENFORCE)} */
    public String description() {
        return "rate limit " + limiter.policy() + " (" + mode + ")";
    }
}
