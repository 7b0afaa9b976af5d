package dev.hardening.auth.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLSession;

/**
 * Per-request attributes for the JDK {@code HttpServer}. In JDK 17 an exchange's attributes are
 * the {@link HttpContext}'s shared map, so a value set for one request is seen by every other
 * request on the same context, including concurrent ones. Filters that hand per-request state
 * downstream (a verified token, a verified body) wrap the exchange with {@link #of} and pass the
 * wrapper down the chain: its attributes belong to this request alone. Names under
 * {@code dev.hardening.} never fall through to the shared map; other names are read from it when
 * the request did not set them. Not thread-safe beyond what one request needs (a synchronised map).
 */
public final class RequestScopedExchange {

    private static final String OURS = "dev.hardening.";

    private RequestScopedExchange() {
    }

    /**
     * @param exchange the exchange a filter received
     * @return an exchange with request-scoped attributes; the same object if it already has them
     */
    public static HttpExchange of(HttpExchange exchange) {
        if (exchange instanceof Plain || exchange instanceof Tls) {
            return exchange;
        }
        if (exchange instanceof HttpsExchange) {
            return new Tls((HttpsExchange) exchange);
        }
        return new Plain(exchange);
    }

    private static Object get(Map<String, Object> own, HttpExchange delegate, String name) {
        synchronized (own) {
            if (own.containsKey(name)) {
                return own.get(name);
            }
        }
        return name.startsWith(OURS) ? null : delegate.getAttribute(name);
    }

    private static void set(Map<String, Object> own, String name, Object value) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        synchronized (own) {
            own.put(name, value);
        }
    }

    private static final class Plain extends HttpExchange {
        private final HttpExchange d;
        private final Map<String, Object> own = new HashMap<>();

        Plain(HttpExchange d) {
            this.d = d;
        }

        @Override public Headers getRequestHeaders() { return d.getRequestHeaders(); }
        @Override public Headers getResponseHeaders() { return d.getResponseHeaders(); }
        @Override public URI getRequestURI() { return d.getRequestURI(); }
        @Override public String getRequestMethod() { return d.getRequestMethod(); }
        @Override public HttpContext getHttpContext() { return d.getHttpContext(); }
        @Override public void close() { d.close(); }
        @Override public InputStream getRequestBody() { return d.getRequestBody(); }
        @Override public OutputStream getResponseBody() { return d.getResponseBody(); }
        @Override public void sendResponseHeaders(int rCode, long responseLength) throws IOException { d.sendResponseHeaders(rCode, responseLength); }
        @Override public InetSocketAddress getRemoteAddress() { return d.getRemoteAddress(); }
        @Override public int getResponseCode() { return d.getResponseCode(); }
        @Override public InetSocketAddress getLocalAddress() { return d.getLocalAddress(); }
        @Override public String getProtocol() { return d.getProtocol(); }
        @Override public Object getAttribute(String name) { return get(own, d, name); }
        @Override public void setAttribute(String name, Object value) { set(own, name, value); }
        @Override public void setStreams(InputStream i, OutputStream o) { d.setStreams(i, o); }
        @Override public HttpPrincipal getPrincipal() { return d.getPrincipal(); }
    }

    private static final class Tls extends HttpsExchange {
        private final HttpsExchange d;
        private final Map<String, Object> own = new HashMap<>();

        Tls(HttpsExchange d) {
            this.d = d;
        }

        @Override public Headers getRequestHeaders() { return d.getRequestHeaders(); }
        @Override public Headers getResponseHeaders() { return d.getResponseHeaders(); }
        @Override public URI getRequestURI() { return d.getRequestURI(); }
        @Override public String getRequestMethod() { return d.getRequestMethod(); }
        @Override public HttpContext getHttpContext() { return d.getHttpContext(); }
        @Override public void close() { d.close(); }
        @Override public InputStream getRequestBody() { return d.getRequestBody(); }
        @Override public OutputStream getResponseBody() { return d.getResponseBody(); }
        @Override public void sendResponseHeaders(int rCode, long responseLength) throws IOException { d.sendResponseHeaders(rCode, responseLength); }
        @Override public InetSocketAddress getRemoteAddress() { return d.getRemoteAddress(); }
        @Override public int getResponseCode() { return d.getResponseCode(); }
        @Override public InetSocketAddress getLocalAddress() { return d.getLocalAddress(); }
        @Override public String getProtocol() { return d.getProtocol(); }
        @Override public Object getAttribute(String name) { return get(own, d, name); }
        @Override public void setAttribute(String name, Object value) { set(own, name, value); }
        @Override public void setStreams(InputStream i, OutputStream o) { d.setStreams(i, o); }
        @Override public HttpPrincipal getPrincipal() { return d.getPrincipal(); }
        @Override public SSLSession getSSLSession() { return d.getSSLSession(); }
    }
}
