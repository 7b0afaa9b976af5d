package dev.hardening.auth.internal;

import dev.hardening.auth.InsufficientScopeException;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.WebhookRejectedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Framework-free RFC 6750 handling shared by the adapters: Bearer extraction and the response
 * (status, headers, RFC 9457 problem body) for each rejection. Stateless and thread-safe.
 */
public final class BearerChallenge {

    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    /** A response to send instead of calling the handler. */
    public record Reply(int status, Map<String, String> headers, String body) {
    }

    /** Outcome of reading the Authorization header. */
    public record Extracted(Optional<String> token, Optional<Reply> reply) {
    }

    private BearerChallenge() {
    }

    /**
     * @param authorization every {@code Authorization} header value
     * @param realm         the realm for challenges
     * @return the token, or the reply to send (401 without error when absent, 400 when malformed)
     */
    public static Extracted extract(List<String> authorization, String realm) {
        if (authorization == null || authorization.isEmpty()) {
            return new Extracted(Optional.empty(), Optional.of(missing(realm)));
        }
        if (authorization.size() > 1) {
            return new Extracted(Optional.empty(), Optional.of(invalidRequest(realm, "several Authorization headers")));
        }
        String v = authorization.get(0);
        if (v.length() < 7 || !v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return new Extracted(Optional.empty(), Optional.of(missing(realm)));
        }
        String token = v.substring(7).strip();
        if (!TOKEN68.matcher(token).matches()) {
            return new Extracted(Optional.empty(), Optional.of(invalidRequest(realm, "malformed Bearer credentials")));
        }
        return new Extracted(Optional.of(token), Optional.empty());
    }

    private static Reply missing(String realm) {
        return new Reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\""),
                problem(401, "Unauthorized", "missing", "a Bearer token is required"));
    }

    private static Reply invalidRequest(String realm, String why) {
        return new Reply(400, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"invalid_request\""),
                problem(400, "Bad Request", "invalid_request", why));
    }

    /**
     * @param e     the rejection
     * @param realm the realm
     * @return 401 {@code invalid_token}, 403 {@code insufficient_scope} or 503 with {@code Retry-After}
     */
    public static Reply reply(TokenRejectedException e, String realm) {
        RejectionReason r = e.reason();
        Map<String, String> headers = new LinkedHashMap<>();
        if (r == RejectionReason.KEYS_UNAVAILABLE) {
            headers.put("Retry-After", "5");
            return new Reply(503, headers, problem(503, "Service Unavailable", r.code(),
                    "the identity provider's keys are unavailable; retry later"));
        }
        if (e instanceof InsufficientScopeException) {
            headers.put("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"insufficient_scope\", scope=\""
                    + String.join(" ", ((InsufficientScopeException) e).required()) + "\"");
            return new Reply(403, headers, problem(403, "Forbidden", r.code(), "the token lacks a required scope"));
        }
        headers.put("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"invalid_token\", error_description=\""
                + r.code() + "\"");
        return new Reply(401, headers, problem(401, "Unauthorized", r.code(), "the access token is not valid"));
    }

    /**
     * @param e the webhook rejection
     * @return the reply (401, 413 or 503)
     */
    public static Reply reply(WebhookRejectedException e) {
        int s = e.status();
        String title = s == 503 ? "Service Unavailable" : s == 413 ? "Content Too Large" : "Unauthorized";
        return new Reply(s, s == 503 ? Map.of("Retry-After", "60") : Map.of(),
                problem(s, title, e.reason().code(), s == 503 ? "webhook verification is not configured" : "the delivery is not accepted"));
    }

    /** @return a small RFC 9457 problem document; all inputs are server-chosen constants */
    public static String problem(int status, String title, String code, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"code\":\"" + code
                + "\",\"detail\":\"" + detail + "\"}";
    }
}
