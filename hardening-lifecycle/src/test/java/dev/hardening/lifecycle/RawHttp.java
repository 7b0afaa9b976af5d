package dev.hardening.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The module's one raw HTTP/1.1 test client: one loopback connection, written by hand so tests see
 * exactly what the server sent, hop-by-hop headers such as {@code Connection} included. Every
 * connect and read has a timeout. Not thread-safe.
 */
public final class RawHttp implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    /**
     * A response.
     *
     * @param status  the status code
     * @param headers header names in lower case
     * @param body    the body as UTF-8
     */
    public record Response(int status, Map<String, String> headers, String body) {
        /**
         * @param name a lower-case header name
         * @return its value, or {@code null}
         */
        public String header(String name) {
            return headers.get(name);
        }

        /** @return whether the response announced {@code Connection: close} */
        public boolean connectionClose() {
            String c = headers.get("connection");
            return c != null && c.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    /**
     * What a request ended as, I/O failures included, for load tests that count outcomes.
     *
     * @param status          the status code, or -1 when no response arrived
     * @param connectionClose whether the response announced {@code Connection: close} (true for failures)
     * @param body            the body
     * @param error           what went wrong, or {@code null}
     */
    public record Outcome(int status, boolean connectionClose, String body, String error) {
        /** @return whether the status is 200 */
        public boolean ok() {
            return status == 200;
        }

        /**
         * @param error what went wrong
         * @return a failed outcome
         */
        public static Outcome failed(String error) {
            return new Outcome(-1, true, "", error);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * @param port a loopback port
     * @return a connected client
     * @throws IOException if the connection is refused or times out
     */
    public static RawHttp connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            return new RawHttp(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * @param port a loopback port
     * @return whether nothing accepts connections on it
     */
    public static boolean refuses(int port) {
        try {
            connect(port).close();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Sends a keep-alive GET and reads the response.
     *
     * @param path the request path
     * @return the response
     * @throws IOException if the connection fails or closes before a full response
     */
    public Response get(String path) throws IOException {
        return get(path, false);
    }

    /**
     * Sends a GET and reads the response.
     *
     * @param path  the request path
     * @param close whether to ask for {@code Connection: close}
     * @return the response
     * @throws IOException if the connection fails or closes before a full response
     */
    public Response get(String path, boolean close) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n");
        Response r = read();
        if (r == null) {
            throw new IOException("connection closed before a response");
        }
        return r;
    }

    /**
     * Sends exactly these bytes (ISO-8859-1), for malformed or partial requests.
     *
     * @param raw the bytes to send
     * @return this
     * @throws IOException if the connection fails
     */
    public RawHttp send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /**
     * Reads the next response (bodies with {@code Content-Length} only).
     *
     * @return the response, or {@code null} if the connection ended before a status line
     * @throws IOException if the connection fails or closes in the body
     */
    public Response read() throws IOException {
        String status = line();
        if (status == null) {
            return null;
        }
        Map<String, String> headers = new TreeMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the body");
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Like {@link #get(String, boolean)}, with failures as an outcome instead of an exception.
     *
     * @param path  the request path
     * @param close whether to ask for {@code Connection: close}
     * @return the outcome
     */
    public Outcome attempt(String path, boolean close) {
        try {
            Response r = get(path, close);
            return new Outcome(r.status(), r.connectionClose(), r.body(), null);
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(e.toString());
        }
    }

    /** @return whether the server closed the connection (end of stream or reset) */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
