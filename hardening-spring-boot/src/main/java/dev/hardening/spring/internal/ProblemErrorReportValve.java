package dev.hardening.spring.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report valve, writing an RFC 9457 problem document instead of Tomcat's HTML page:
 * for the requests Tomcat itself rejects (a malformed request line or header, a bad URI, headers
 * too large) and any error status no one wrote a body for. The body names the status only: never
 * the exception, its message or the request. Thread-safe.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    /** Created by Tomcat (by class name) or by the starter. */
    public ProblemErrorReportValve() {
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's own valve: only an error status, nothing written yet, reported once
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String title = title(status);
        String json = Problems.json(status, title, "http_" + status, title);
        try {
            response.setContentType("application/problem+json");
            response.setHeader("Cache-Control", "no-store");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response cannot take a body: nothing more to send
        }
    }

    static String title(int status) {
        switch (status) {
            case HttpServletResponse.SC_BAD_REQUEST: return "Bad Request";
            case HttpServletResponse.SC_UNAUTHORIZED: return "Unauthorized";
            case HttpServletResponse.SC_FORBIDDEN: return "Forbidden";
            case HttpServletResponse.SC_NOT_FOUND: return "Not Found";
            case HttpServletResponse.SC_METHOD_NOT_ALLOWED: return "Method Not Allowed";
            case HttpServletResponse.SC_REQUEST_TIMEOUT: return "Request Timeout";
            case HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE: return "Content Too Large";
            case HttpServletResponse.SC_REQUEST_URI_TOO_LONG: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case HttpServletResponse.SC_NOT_IMPLEMENTED: return "Not Implemented";
            case HttpServletResponse.SC_SERVICE_UNAVAILABLE: return "Service Unavailable";
            case HttpServletResponse.SC_HTTP_VERSION_NOT_SUPPORTED: return "HTTP Version Not Supported";
            default: return status >= 500 ? "Server Error" : "Client Error";
        }
    }
}
