package dev.hardening.lifecycle.jdkhttp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The JDK's {@link HttpExchange} over one Jetty request, with the JDK server's semantics:
 * {@code sendResponseHeaders(code, -1)} means no body, {@code 0} a chunked body, {@code n} a body
 * of exactly n bytes; header values exactly as received (never split on commas); attributes per
 * request. Used by one handler thread at a time.
 */
final class JdkExchange extends HttpExchange {
    private final Request request;
    private final Response response;
    private final HttpContext context;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in;
    private OutputStream out;
    private int code = -1;
    private HttpPrincipal principal;

    JdkExchange(Request request, Response response, HttpContext context, URI uri) {
        this.request = request;
        this.response = response;
        this.context = context;
        this.uri = uri;
        for (HttpField f : request.getHeaders()) {
            requestHeaders.add(f.getName(), f.getValue() == null ? "" : f.getValue());
        }
        this.in = Content.Source.asInputStream(request);
        this.out = Content.Sink.asOutputStream(response);
    }

    /** @return whether {@link #sendResponseHeaders} was called */
    boolean responseStarted() {
        return code >= 0;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the response still completes
        }
        try {
            out.close();
        } catch (IOException e) {
            // the client went away; Jetty closes the connection
        }
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (code >= 0) {
            throw new IOException("headers already sent");
        }
        code = rCode;
        for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
            for (String v : e.getValue()) {
                response.getHeaders().add(e.getKey(), v);
            }
        }
        boolean noBodyStatus = rCode < 200 || rCode == 204 || rCode == 304;
        if (responseLength > 0) {
            response.getHeaders().put("Content-Length", Long.toString(responseLength));
        } else if (responseLength < 0 && !noBodyStatus) {
            response.getHeaders().put("Content-Length", "0");
        }
        response.setStatus(rCode);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
    }

    @Override
    public int getResponseCode() {
        return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        SocketAddress a = request.getConnectionMetaData().getLocalSocketAddress();
        return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
    }

    @Override
    public String getProtocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void principal(HttpPrincipal p) {
        principal = p;
    }
}
