package dev.hardening.ratelimit.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import dev.hardening.ratelimit.CallerKeys;
import dev.hardening.ratelimit.TrustedProxies;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the rate-limit key of a JDK {@code HttpServer} request. Implementations must be thread-safe
 * and return a non-empty key of at most 1024 characters; see {@link CallerKeys}.
 */
@FunctionalInterface
public interface ExchangeKeyResolver {

    /**
     * @param exchange the request
     * @return the caller's key
     */
    String resolve(HttpExchange exchange);

    /**
     * @param proxies proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code ip:<client address>}
     */
    static ExchangeKeyResolver clientAddress(TrustedProxies proxies) {
        Objects.requireNonNull(proxies, "proxies");
        return exchange -> {
            InetAddress peer = exchange.getRemoteAddress().getAddress();
            List<String> xff = exchange.getRequestHeaders().get("X-Forwarded-For");
            return CallerKeys.address(proxies.clientAddress(peer, xff == null ? List.of() : xff));
        };
    }

    /**
     * @param attribute the exchange attribute where authentication stored the subject (a String)
     * @param proxies   proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code sub:<subject>} when authenticated, else {@code ip:<client address>}
     */
    static ExchangeKeyResolver subjectOrClientAddress(String attribute, TrustedProxies proxies) {
        Objects.requireNonNull(attribute, "attribute");
        ExchangeKeyResolver fallback = clientAddress(proxies);
        return exchange -> {
            Object subject = exchange.getAttribute(attribute);
            if (subject instanceof String && !((String) subject).isEmpty()) {
                return CallerKeys.subject((String) subject);
            }
            return fallback.resolve(exchange);
        };
    }

    /**
     * @param header  the request header carrying an API key, e.g. {@code X-API-Key}
     * @param proxies proxies whose {@code X-Forwarded-For} is believed
     * @return resolves {@code key:<sha-256 of the API key>} when present, else {@code ip:<client address>}
     */
    static ExchangeKeyResolver apiKeyOrClientAddress(String header, TrustedProxies proxies) {
        Objects.requireNonNull(header, "header");
        ExchangeKeyResolver fallback = clientAddress(proxies);
        return exchange -> {
            String key = exchange.getRequestHeaders().getFirst(header);
            if (key != null && !key.isBlank()) {
                return CallerKeys.apiKey(key.strip());
            }
            return fallback.resolve(exchange);
        };
    }
}
