package dev.hardening.lifecycle.jdkhttp;

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
import javax.net.ssl.SSLSession;

/** The HTTPS variant of {@link TrackedExchange}, so handlers can still cast to {@link HttpsExchange}. */
final class TrackedHttpsExchange extends HttpsExchange {

    final Tracked t;

    TrackedHttpsExchange(HttpsExchange delegate) {
        this.t = new Tracked(delegate, Thread.currentThread());
    }

    @Override
    public Headers getRequestHeaders() {
        return t.delegate.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return t.delegate.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return t.delegate.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return t.delegate.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return t.delegate.getHttpContext();
    }

    @Override
    public void close() {
        if (t.claimForHandler()) {
            t.delegate.close();
        }
    }

    @Override
    public InputStream getRequestBody() {
        return t.delegate.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
        return new Tracked.GuardedStream(t, t.delegate.getResponseBody());
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (!t.claimForHandler()) {
            throw Tracked.cut();
        }
        t.delegate.sendResponseHeaders(rCode, responseLength);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return t.delegate.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return t.delegate.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return t.delegate.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return t.delegate.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return t.delegate.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        t.delegate.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        t.delegate.setStreams(i, o);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return t.delegate.getPrincipal();
    }

    @Override
    public SSLSession getSSLSession() {
        return ((HttpsExchange) t.delegate).getSSLSession();
    }
}
