package dev.hardening.lifecycle.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A minimal HTTP/1.1 client over a raw socket, so the tests see exactly what the server sent. */
final class RawHttp implements AutoCloseable {

    /** What a request ended as. */
    record Outcome(int status, boolean connectionClose, String body, String error) {
        boolean ok() {
            return status == 200;
        }

        static Outcome failed(String error) {
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

    /** @throws ConnectException when nothing listens */
    static RawHttp connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout(15_000);
        s.setTcpNoDelay(true);
        return new RawHttp(s);
    }

    static boolean refuses(int port) {
        try {
            connect(port).close();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends a GET and reads the response; I/O errors become a failed outcome. */
    Outcome get(String path, boolean close) {
        try {
            String req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
            out.write(req.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = line();
            if (status == null) {
                return Outcome.failed("closed before response");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            int length = -1;
            boolean connClose = false;
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).strip());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    connClose = true;
                }
            }
            byte[] body = length >= 0 ? in.readNBytes(length) : new byte[0];
            if (length >= 0 && body.length < length) {
                return Outcome.failed("truncated body");
            }
            return new Outcome(code, connClose, new String(body, StandardCharsets.UTF_8), null);
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(e.toString());
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
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
