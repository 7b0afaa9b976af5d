package dev.hardening.auth.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The URL a client called, for a DPoP proof's {@code htu}: {@code http://} (or {@code https://} on
 * an {@code HttpsServer}) + {@code Host} + path; from a trusted proxy, the scheme and host of
 * {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} (their first values). Stateless.
 */
final class RequestUrl {

    private RequestUrl() {
    }

    /**
     * @param exchange       the exchange
     * @param trustedProxies whether a peer address is a proxy whose forwarded headers are believed
     * @return the URL without query
     * @throws IllegalArgumentException if the host is not a valid URI authority
     */
    static URI of(HttpExchange exchange, Predicate<InetAddress> trustedProxies) {
        String scheme = exchange instanceof HttpsExchange ? "https" : "http";
        String host = exchange.getRequestHeaders().getFirst("Host");
        InetSocketAddress peer = exchange.getRemoteAddress();
        if (peer != null && peer.getAddress() != null && trustedProxies.test(peer.getAddress())) {
            String proto = first(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
            if (proto != null) {
                String p = proto.toLowerCase(Locale.ROOT);
                if (p.equals("http") || p.equals("https")) {
                    scheme = p;
                }
            }
            String fhost = first(exchange.getRequestHeaders().getFirst("X-Forwarded-Host"));
            if (fhost != null && !fhost.isEmpty()) {
                host = fhost;
            }
        }
        if (host == null || host.isEmpty()) {
            InetSocketAddress local = exchange.getLocalAddress();
            host = local.getAddress() instanceof java.net.Inet6Address
                    ? "[" + local.getAddress().getHostAddress() + "]:" + local.getPort()
                    : local.getAddress().getHostAddress() + ":" + local.getPort();
        }
        String path = exchange.getRequestURI().getRawPath();
        try {
            URI u = new URI(scheme + "://" + host + (path == null || path.isEmpty() ? "/" : path));
            if (u.getHost() == null || u.getRawUserInfo() != null) {
                throw new IllegalArgumentException("host: not a valid authority");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("host: not a valid authority", e);
        }
    }

    private static String first(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        int comma = headerValue.indexOf(',');
        return (comma < 0 ? headerValue : headerValue.substring(0, comma)).strip();
    }
}
