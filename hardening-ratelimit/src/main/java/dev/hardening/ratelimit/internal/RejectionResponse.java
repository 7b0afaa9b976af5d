package dev.hardening.ratelimit.internal;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.RateLimitHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rate-limit rejection as HTTP, framework-neutral: the status (429, or 503 when the limiter could not
 * decide), the header fields in order, and the RFC 9457 problem body. Built once here and written by
 * both the JDK and the Servlet filter. Not public API. Immutable and thread-safe.
 */
public final class RejectionResponse {

    private static final byte[] UNAVAILABLE_BODY = ("{\"type\":\"https://iana.org/assignments/http-problem-types"
            + "#temporary-reduced-capacity\",\"title\":\"Service Unavailable\",\"status\":503}")
            .getBytes(StandardCharsets.UTF_8);
    private static final RejectionResponse UNAVAILABLE = new RejectionResponse(503,
            Map.of("Content-Type", RateLimitHeaders.PROBLEM_CONTENT_TYPE, "Cache-Control", "no-store"),
            UNAVAILABLE_BODY);

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    private RejectionResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** @return 503 with a {@code temporary-reduced-capacity} problem: the limiter could not decide */
    static RejectionResponse unavailable() {
        return UNAVAILABLE;
    }

    /**
     * @param decision     a denied decision
     * @param policyHeader the {@code RateLimit-Policy} value
     * @return 429 with {@code RateLimit-Policy}, {@code RateLimit}, {@code Retry-After}, no-store and a
     *     {@code quota-exceeded} problem
     */
    static RejectionResponse tooManyRequests(Decision decision, String policyHeader) {
        Map<String, String> h = new LinkedHashMap<>(quotaHeaders(decision, policyHeader));
        h.put("Retry-After", Long.toString(RateLimitHeaders.retryAfterSeconds(decision)));
        h.put("Cache-Control", "no-store");
        h.put("Content-Type", RateLimitHeaders.PROBLEM_CONTENT_TYPE);
        return new RejectionResponse(429, java.util.Collections.unmodifiableMap(h),
                RateLimitHeaders.problemJson(decision, 1).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param decision     a decision
     * @param policyHeader the {@code RateLimit-Policy} value
     * @return the {@code RateLimit-Policy} and (when the decision has per-limit state) {@code RateLimit} fields
     */
    static Map<String, String> quotaHeaders(Decision decision, String policyHeader) {
        String rateLimit = RateLimitHeaders.rateLimit(decision);
        return rateLimit.isEmpty() ? Map.of("RateLimit-Policy", policyHeader)
                : orderedPair("RateLimit-Policy", policyHeader, "RateLimit", rateLimit);
    }

    private static Map<String, String> orderedPair(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return header fields to set, in order; unmodifiable */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return the problem body; a copy */
    public byte[] body() {
        return body.clone();
    }
}
