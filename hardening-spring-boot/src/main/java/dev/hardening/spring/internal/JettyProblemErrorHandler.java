package dev.hardening.spring.internal;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Embedded Jetty's server-wide error handler, for the requests Jetty rejects itself before any
 * servlet runs (a malformed request line or header, a head too large: 431, an unsupported HTTP
 * version, {@code Content-Length} with {@code Transfer-Encoding}, a bad chunk size): an RFC 9457
 * problem document naming the status only — never the parser's message or an exception — instead
 * of Jetty's HTML page. The connection is closed after a 4xx (its state is unknown). Errors inside
 * the servlet context still go to Boot's error path. Stateless and thread-safe.
 */
public final class JettyProblemErrorHandler implements Request.Handler {

    /** Created by the starter. */
    public JettyProblemErrorHandler() {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object s = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int status = s instanceof Integer ? (Integer) s : response.getStatus();
        if (status < 400 || status > 599) {
            status = 500;
        }
        JettyReadGuard.problem(request, response, callback, status);
        return true;
    }
}
