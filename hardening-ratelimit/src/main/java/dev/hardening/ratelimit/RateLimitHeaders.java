package dev.hardening.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Decision} as HTTP: the {@code RateLimit} and {@code RateLimit-Policy} fields of
 * draft-ietf-httpapi-ratelimit-headers (one item per limit, named by its spec form, e.g.
 * {@code "100/1m";q=100;w=60}), {@code Retry-After} in whole seconds (rounded up, never earlier than
 * the draft's {@code t}), and an RFC 9457 problem document of type
 * {@value #QUOTA_EXCEEDED_TYPE}. Used by the JDK HttpServer and Servlet adapters; stateless and
 * thread-safe.
 */
public final class RateLimitHeaders {

    /** The RFC 9457 problem type for an exceeded quota. */
    public static final String QUOTA_EXCEEDED_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded";
    /** The media type of the problem body. */
    public static final String PROBLEM_CONTENT_TYPE = "application/problem+json";
    /** Largest Retry-After sent, in seconds (one day). */
    public static final long MAX_RETRY_AFTER_SECONDS = 86_400;

    private RateLimitHeaders() {
    }

    /**
     * @param policy the policy
     * @return the {@code RateLimit-Policy} field value
     */
    public static String policy(RateLimitPolicy policy) {
        StringBuilder sb = new StringBuilder();
        for (Limit limit : policy.limits()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(limit.name()).append("\";q=").append(limit.capacity())
                    .append(";w=").append(ceilSeconds(limit.period()));
        }
        return sb.toString();
    }

    /**
     * @param decision a decision with per-limit state
     * @return the {@code RateLimit} field value, or empty if the decision carries no per-limit state
     *     (fail-open/closed fallbacks)
     */
    public static String rateLimit(Decision decision) {
        StringBuilder sb = new StringBuilder();
        for (LimitStatus status : decision.limits()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(status.limit().name()).append("\";r=").append(status.remaining())
                    .append(";t=").append(ceilSeconds(status.resetAfter()));
        }
        return sb.toString();
    }

    /**
     * @param decision a denied decision
     * @return the {@code Retry-After} value in seconds: at least 1, rounded up, capped at one day
     */
    public static long retryAfterSeconds(Decision decision) {
        return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, ceilSeconds(decision.retryAfter())));
    }

    /**
     * @param decision a denied decision
     * @param cost     the cost that was refused
     * @return the RFC 9457 JSON body, listing the violated limits; echoes nothing from the request
     */
    public static String problemJson(Decision decision, long cost) {
        List<String> violated = new ArrayList<>();
        for (LimitStatus status : decision.limits()) {
            if (status.remaining() < cost) {
                violated.add(status.limit().name());
            }
        }
        long retry = retryAfterSeconds(decision);
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"type\":\"").append(QUOTA_EXCEEDED_TYPE).append("\",\"title\":\"Too Many Requests\",")
                .append("\"status\":429,\"detail\":\"Rate limit exceeded; retry after ").append(retry)
                .append(retry == 1 ? " second.\"" : " seconds.\"");
        sb.append(",\"violated-policies\":[");
        for (int i = 0; i < violated.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(violated.get(i)).append('"');
        }
        sb.append("]}");
        return sb.toString();
    }

    private static long ceilSeconds(Duration d) {
        if (d.compareTo(Duration.ofDays(3650)) > 0) {
            return MAX_RETRY_AFTER_SECONDS;
        }
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
