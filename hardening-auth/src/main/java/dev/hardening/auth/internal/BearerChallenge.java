package dev.hardening.auth.internal;

import dev.hardening.auth.DpopNonceRequiredException;
import dev.hardening.auth.InsufficientScopeException;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.WebhookRejectedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Framework-free RFC 6750 handling shared by the adapters: Bearer extraction and the response
 * (status, headers, RFC 9457 problem body) for each rejection. Stateless and thread-safe.
 */
public final class BearerChallenge {


    /** A response to send instead of calling the handler. */
    public record Reply(int status, Map<String, String> headers, String body) {
    }

    /** Outcome of reading the Authorization header: the token and its scheme, or the reply to send. */
    public record Extracted(Optional<String> token, Optional<Reply> reply, TokenRequest.Scheme scheme) {
        Extracted(Optional<String> token, Optional<Reply> reply) {
            this(token, reply, TokenRequest.Scheme.BEARER);
        }

        /**
         * @param dpopHeaders every {@code DPoP} header value (null when none)
         * @param method      the request method
         * @param url         the URL the client called, computed only for the DPoP scheme
         * @return the presentation to verify; a DPoP request with zero or several proofs carries none (refused)
         */
        public TokenRequest request(List<String> dpopHeaders, String method, java.util.function.Supplier<java.net.URI> url) {
            String t = token.orElseThrow();
            if (scheme == TokenRequest.Scheme.BEARER) {
                return TokenRequest.bearer(t);
            }
            Optional<String> proof = dpopHeaders != null && dpopHeaders.size() == 1
                    ? Optional.of(dpopHeaders.get(0).strip()) : Optional.empty();
            return TokenRequest.dpop(t, proof, method, url.get());
        }
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
        TokenRequest.Scheme scheme;
        String token;
        // no lower-cased copy of the header and no regex: this runs on every request (a profile of
        // the gRPC benchmark put a tenth of the library's own time here)
        if (v.regionMatches(true, 0, "bearer ", 0, 7)) {
            scheme = TokenRequest.Scheme.BEARER;
            token = v.substring(7).strip();
        } else if (v.regionMatches(true, 0, "dpop ", 0, 5)) {
            scheme = TokenRequest.Scheme.DPOP;
            token = v.substring(5).strip();
        } else {
            return new Extracted(Optional.empty(), Optional.of(missing(realm)));
        }
        if (!isToken68(token)) {
            return new Extracted(Optional.empty(), Optional.of(invalidRequest(realm,
                    scheme == TokenRequest.Scheme.BEARER ? "malformed Bearer credentials" : "malformed DPoP credentials")), scheme);
        }
        return new Extracted(Optional.of(token), Optional.empty(), scheme);
    }

    /**
     * RFC 6750 {@code b64token}: one or more of {@code A-Z a-z 0-9 - . _ ~ + /}, then any number of
     * {@code =}.
     *
     * @param s the credentials after the scheme
     * @return whether they have that form
     */
    static boolean isToken68(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && isToken68Char(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static boolean isToken68Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static Reply missing(String realm) {
        return new Reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\""),
                problem(401, "Unauthorized", "missing", "a Bearer token is required"));
    }

    /**
     * @param realm the realm
     * @param why   a server-chosen explanation
     * @return 400 {@code invalid_request}
     */
    public static Reply badRequest(String realm, String why) {
        return invalidRequest(realm, why);
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
        return reply(e, realm, TokenRequest.Scheme.BEARER, "");
    }

    /**
     * @param e      the rejection
     * @param realm  the realm
     * @param scheme how the request presented its token
     * @param algs   the DPoP proof algorithms, space-separated, for {@code WWW-Authenticate: DPoP}
     * @return as {@link #reply(TokenRejectedException, String)}; rejections of a DPoP request, of a
     *     key-bound token presented as Bearer and of a proof use the {@code DPoP} scheme
     *     ({@code invalid_token}, {@code invalid_dpop_proof} or {@code use_dpop_nonce} with a
     *     {@code DPoP-Nonce} header) with {@code algs}
     */
    public static Reply reply(TokenRejectedException e, String realm, TokenRequest.Scheme scheme, String algs) {
        RejectionReason r = e.reason();
        Map<String, String> headers = new LinkedHashMap<>();
        if (r.status() == 503) {
            headers.put("Retry-After", "5");
            return new Reply(503, headers, problem(503, "Service Unavailable", r.code(),
                    r == RejectionReason.KEYS_UNAVAILABLE ? "the identity provider's keys are unavailable; retry later"
                            : "the token cannot be checked now; retry later"));
        }
        boolean dpop = scheme == TokenRequest.Scheme.DPOP || r == RejectionReason.DPOP_BOUND_TOKEN || r.isProofError();
        if (dpop && !(e instanceof InsufficientScopeException)) {
            String error = e instanceof DpopNonceRequiredException ? "use_dpop_nonce"
                    : r.isProofError() ? "invalid_dpop_proof" : "invalid_token";
            headers.put("WWW-Authenticate", "DPoP realm=\"" + realm + "\", error=\"" + error + "\", error_description=\""
                    + r.code() + "\", algs=\"" + algs + "\"");
            if (e instanceof DpopNonceRequiredException) {
                headers.put("DPoP-Nonce", ((DpopNonceRequiredException) e).nonce());
            }
            return new Reply(401, headers, problem(401, "Unauthorized", r.code(), r.isProofError()
                    ? "the DPoP proof is not valid" : "the access token is not valid"));
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
