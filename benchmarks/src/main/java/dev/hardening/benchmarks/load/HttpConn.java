package dev.hardening.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 client connection written by hand, so every reset and bare close is seen as such. */
final class HttpConn implements AutoCloseable {
    /** What came back for one request. */
    record Reply(int status, boolean close, String contentType, String body) {
    }

    /** The server ended the connection after the request was sent and before a full response. */
    static final class BareClose extends IOException {
        private static final long serialVersionUID = 1L;

        BareClose() {
            super("closed before a response");
        }
    }

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    HttpConn(String host, int port, int timeoutMs) throws IOException {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Reply exchange(String request) throws IOException {
        write(request.getBytes(StandardCharsets.ISO_8859_1));
        return read();
    }

    Reply read() throws IOException {
        String status = line();
        if (status == null) {
            throw new BareClose();
        }
        int length = 0;
        boolean close = false;
        String type = "";
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equals("connection")) {
                close = value.equalsIgnoreCase("close");
            } else if (name.equals("content-type")) {
                type = value;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new BareClose();
        }
        String[] parts = status.split(" ");
        return new Reply(Integer.parseInt(parts[1]), close, type, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
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
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
