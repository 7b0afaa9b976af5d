package dev.hardening.lifecycle.jdkhttp;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request through the JDK-API context it belongs to, chosen as the JDK server does (the
 * longest context path that is a prefix of the request path), then its filters and handler, on
 * the calling pool thread. A filter or handler that fails before answering gets a 500 problem
 * document without the exception's name; one that returns without answering, likewise.
 * Thread-safe.
 */
final class ContextDispatcher extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ContextDispatcher.class);

    /** Longest path first; a handful of entries, changed only by createContext/removeContext. */
    private final List<JdkContext> contexts = new CopyOnWriteArrayList<>();

    synchronized void add(JdkContext context) {
        for (JdkContext c : contexts) {
            if (c.getPath().equals(context.getPath())) {
                throw new IllegalArgumentException("path: " + context.getPath() + " (already has a context)");
            }
        }
        contexts.add(context);
        contexts.sort(Comparator.comparingInt((JdkContext c) -> c.getPath().length()).reversed());
    }

    synchronized void remove(String path) {
        if (!contexts.removeIf(c -> c.getPath().equals(path))) {
            throw new IllegalArgumentException("path: " + path + " (no such context)");
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        URI uri;
        try {
            uri = new URI(request.getHttpURI().getPathQuery());
        } catch (URISyntaxException e) {
            Problems.write(request, response, callback, 400, true);
            return true;
        }
        String path = uri.getPath() == null ? "/" : uri.getPath();
        JdkContext context = null;
        for (JdkContext c : contexts) {
            if (path.startsWith(c.getPath())) {
                context = c;
                break;
            }
        }
        HttpHandler handler = context == null ? null : context.getHandler();
        if (handler == null) {
            Problems.write(request, response, callback, 404, false);
            return true;
        }
        JdkExchange exchange = new JdkExchange(request, response, context, uri);
        try {
            if (authenticated(exchange, context.getAuthenticator())) {
                new Filter.Chain(context.getFilters(), handler).doFilter(exchange);
            }
        } catch (Exception | Error e) {
            if (!exchange.responseStarted() && !response.isCommitted()) {
                LOG.warn("handler for {} failed before answering; answered 500", context.getPath());
                Problems.write(request, response, callback, 500, true);
                return true;
            }
            callback.failed(e);
            return true;
        }
        if (!exchange.responseStarted() && !response.isCommitted()) {
            LOG.warn("handler for {} returned without answering; answered 500", context.getPath());
            Problems.write(request, response, callback, 500, true);
            return true;
        }
        exchange.close();
        callback.succeeded();
        return true;
    }

    private static boolean authenticated(JdkExchange exchange, Authenticator auth) throws java.io.IOException {
        if (auth == null) {
            return true;
        }
        Authenticator.Result r = auth.authenticate(exchange);
        if (r instanceof Authenticator.Success) {
            exchange.principal(((Authenticator.Success) r).getPrincipal());
            return true;
        }
        int status = r instanceof Authenticator.Failure ? ((Authenticator.Failure) r).getResponseCode()
                : r instanceof Authenticator.Retry ? ((Authenticator.Retry) r).getResponseCode() : 500;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
        return false;
    }
}
