package dev.hardening.lifecycle.jdkhttp;

import dev.hardening.lifecycle.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK API as handlers, filters and HttpServerDrain rely on it, served by HardenedHttpServer. */
class JdkApiBridgeTest {

    private HardenedHttpServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = HardenedHttpServer.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        server.createContext("/", say("root"));
        server.createContext("/api/", ex -> {
            Object seen = ex.getAttribute("mark");
            ex.setAttribute("mark", "set");
            send(ex, 200, "api " + ex.getRequestURI() + " xff=" + ex.getRequestHeaders().get("X-Forwarded-For")
                    + " earlier=" + seen + " ctx=" + ex.getHttpContext().getPath());
        });
        server.createContext("/api/v1/special", say("special"));
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static HttpHandler say(String what) {
        return ex -> send(ex, 200, what);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private RawHttp.Response get(String path, String extraHeaders) throws IOException {
        try (RawHttp c = RawHttp.connect(port)) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n").read();
        }
    }

    @Test
    void choosesTheLongestContextPathThatPrefixesTheRequestPathAsTheJdkDoes() throws IOException {
        assertThat(get("/api/v1/special/x", "").body()).isEqualTo("special");
        assertThat(get("/api/v1/me?x=1", "").body()).startsWith("api /api/v1/me?x=1 ").endsWith("ctx=/api/");
        assertThat(get("/apix", "").body()).isEqualTo("root");
        assertThat(get("/api", "").body()).isEqualTo("root");
    }

    @Test
    void keepsHeaderValuesAsReceivedAndAttributesPerRequest() throws IOException {
        String body = get("/api/a", "X-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n").body();
        assertThat(body).contains("xff=[10.0.0.1, 10.0.0.2]");
        assertThat(get("/api/a", "").body()).contains("earlier=null");
    }

    @Test
    void aFilterThatThrowsBeforeAnsweringGetsA500ProblemWithoutItsName() throws IOException {
        HttpContext ctx = server.createContext("/boom", say("never"));
        ctx.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) {
                throw new IllegalStateException("internal detail");
            }

            @Override
            public String description() {
                return "throws";
            }
        });
        RawHttp.Response r = get("/boom", "");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        assertThat(r.body()).doesNotContain("internal detail").doesNotContain("IllegalState");
    }

    @Test
    void aHandlerThatReturnsWithoutAnsweringGetsA500RatherThanAHang() throws IOException {
        server.createContext("/silent", ex -> { });
        assertThat(get("/silent", "").status()).isEqualTo(500);
    }

    @Test
    void noBodyAndChunkedLengthsFollowTheJdkConvention() throws IOException {
        server.createContext("/none", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                os.write("abc".getBytes(StandardCharsets.UTF_8));
            }
        });
        RawHttp.Response none = get("/none", "");
        assertThat(none.status()).isEqualTo(204);
        assertThat(none.header("content-length")).isNull();
        try (RawHttp c = RawHttp.connect(port)) {
            c.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        }
    }

    @Test
    void rejectsDuplicateContextsAndUnsupportedOperationsWithClearMessages() {
        assertThatThrownBy(() -> server.createContext("/api/", say("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path: /api/ (already has a context)");
        assertThatThrownBy(() -> server.createContext("nope", say("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path: nope (expected: starting with /)");
        assertThatThrownBy(() -> server.setExecutor(Runnable::run)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> server.stop(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delay: -1");
    }
}
