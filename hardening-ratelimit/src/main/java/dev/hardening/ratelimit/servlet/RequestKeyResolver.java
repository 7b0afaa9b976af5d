package dev.hardening.ratelimit.servlet;

import dev.hardening.ratelimit.CallerKeys;
import dev.hardening.ratelimit.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the rate-limit key of a Servlet request. Implementations must be thread-safe and return a
 * non-empty key of at most 1024 characters; see {@link CallerKeys}.
 */
@FunctionalInterface
public interface RequestKeyResolver {

    /**
     * @param request the request
     * @return the caller's key
     */
    String resolve(HttpServletRequest request);

    /**
     * @param proxies proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code ip:<client address>}
     */
    static RequestKeyResolver clientAddress(TrustedProxies proxies) {
        Objects.requireNonNull(proxies, "proxies");
        return request -> {
            InetAddress peer = TrustedProxies.parseAddress(request.getRemoteAddr()).orElse(null);
            if (peer == null) {
                return "ip:unknown";
            }
            List<String> xff = Collections.list(request.getHeaders("X-Forwarded-For"));
            return CallerKeys.address(proxies.clientAddress(peer, xff));
        };
    }

    /**
     * @param proxies proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code sub:<user principal name>} when authenticated, else {@code ip:<client address>}
     */
    static RequestKeyResolver principalOrClientAddress(TrustedProxies proxies) {
        RequestKeyResolver fallback = clientAddress(proxies);
        return request -> {
            Principal p = request.getUserPrincipal();
            if (p != null && p.getName() != null && !p.getName().isEmpty()) {
                return CallerKeys.subject(p.getName());
            }
            return fallback.resolve(request);
        };
    }

    /**
     * @param header  the request header carrying an API key
     * @param proxies proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code key:<sha-256 of the API key>} when present, else {@code ip:<client address>}
     */
    static RequestKeyResolver apiKeyOrClientAddress(String header, TrustedProxies proxies) {
        Objects.requireNonNull(header, "header");
        RequestKeyResolver fallback = clientAddress(proxies);
        return request -> {
            String key = request.getHeader(header);
            if (key != null && !key.isBlank()) {
                return CallerKeys.apiKey(key.strip());
            }
            return fallback.resolve(request);
        };
    }
}
