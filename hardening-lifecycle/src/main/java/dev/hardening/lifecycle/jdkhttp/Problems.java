package dev.hardening.lifecycle.jdkhttp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * RFC 9457 problem documents for the rejections the server makes itself, before or instead of a
 * handler: a fixed title and detail per status, never the parser's or an exception's message.
 */
final class Problems {

    static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {
    }

    /** @return the problem document for a status, with a detail that names no internals */
    static byte[] body(int status) {
        String title = HttpStatus.getMessage(status);
        return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail(status) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static String detail(int status) {
        switch (status) {
            case 400: return "the request is not valid HTTP/1.1";
            case 404: return "no such resource";
            case 405: return "method not allowed here";
            case 408: return "the request was not received in time";
            case 411: return "a request body needs Content-Length or chunked encoding";
            case 413: return "the request body is too large";
            case 414: return "the request target is too long";
            case 415: return "unsupported content encoding";
            case 417: return "expectation not supported";
            case 431: return "the request head is too large";
            case 501: return "not implemented";
            case 503: return "the server is busy or shutting down; retry the request";
            case 505: return "HTTP version not supported";
            default: return status >= 500 ? "the server could not answer the request" : "the request was rejected";
        }
    }

    /** The raw bytes of a complete HTTP/1.1 problem response that closes the connection. */
    static ByteBuffer rawResponse(int status) {
        byte[] body = body(status);
        String head = "HTTP/1.1 " + status + " " + HttpStatus.getMessage(status) + "\r\n"
                + "Content-Type: " + CONTENT_TYPE + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(h.length + body.length);
        out.put(h).put(body).flip();
        return out;
    }

    /** Answers a problem through Jetty, optionally closing the connection after it. */
    static void write(Request request, Response response, Callback callback, int status, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        if ("HEAD".equals(request.getMethod())) {
            response.write(true, null, callback);
            return;
        }
        response.write(true, ByteBuffer.wrap(body(status)), callback);
    }

    /**
     * Jetty's error handler for every rejection it makes itself (bad request line, bad chunk size,
     * head too large, no context, handler failure): a problem document instead of an HTML page
     * naming the exception.
     */
    static final class ErrorPage implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object s = request.getAttribute(ErrorHandler.ERROR_STATUS);
            int status = s instanceof Integer ? (Integer) s : response.getStatus();
            if (status < 400 || status > 599) {
                status = 500;
            }
            // A rejected head leaves the connection in an unknown state: do not keep it.
            write(request, response, callback, status, status < 500 && status != 404 && status != 405);
            return true;
        }
    }
}
