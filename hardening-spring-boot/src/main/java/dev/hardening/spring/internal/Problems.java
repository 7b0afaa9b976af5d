package dev.hardening.spring.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** RFC 9457 problem documents written by the starter's filters. Stateless and thread-safe. */
public final class Problems {

    private Problems() {
    }

    /**
     * @param status the HTTP status
     * @param title  its reason phrase
     * @param code   a stable reason code (server-chosen, never request data)
     * @param detail a server-chosen sentence
     * @return the JSON document
     */
    public static String json(int status, String title, String code, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"code\":\"" + code
                + "\",\"detail\":\"" + detail + "\"}";
    }

    /**
     * Writes a problem document as the whole body (the status and other headers are set by the caller).
     *
     * @param response the response, not yet committed
     * @param json     the document
     * @throws IOException if writing fails
     */
    public static void write(HttpServletResponse response, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
