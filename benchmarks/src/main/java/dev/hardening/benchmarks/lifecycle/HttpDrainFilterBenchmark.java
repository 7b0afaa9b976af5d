package dev.hardening.benchmarks.lifecycle;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.lifecycle.jdkhttp.HttpServerDrain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of in-flight tracking per request: the {@link HttpServerDrain} filter around a handler
 * that does nothing, against the same chain without it. The difference is the tracking overhead
 * (goal: at most 50 ns).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpDrainFilterBenchmark {

    private HttpServer server;
    private Filter.Chain bare;
    private Filter.Chain tracked;

    /** @throws IOException if the unstarted server cannot be created */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(0), 0); // never started: only its filter is used
        HttpServerDrain drain = HttpServerDrain.builder(server).build();
        HttpHandler handler = exchange -> exchange.getRequestMethod();
        bare = new Filter.Chain(List.of(), handler);
        tracked = new Filter.Chain(List.of(drain.filter()), handler);
    }

    /** Releases the unstarted server's socket. */
    @TearDown(Level.Trial)
    public void tearDown() {
        server.stop(0);
    }

    /** @param bh sink @throws IOException never */
    @Benchmark
    public void baseline(Blackhole bh) throws IOException {
        FakeExchange e = new FakeExchange();
        bare.doFilter(e);
        bh.consume(e);
    }

    /** @param bh sink @throws IOException never */
    @Benchmark
    public void tracked(Blackhole bh) throws IOException {
        FakeExchange e = new FakeExchange();
        tracked.doFilter(e);
        bh.consume(e);
    }

    /** An exchange that does nothing. */
    static final class FakeExchange extends HttpExchange {
        private final Headers headers = new Headers();

        @Override
        public Headers getRequestHeaders() {
            return headers;
        }

        @Override
        public Headers getResponseHeaders() {
            return headers;
        }

        @Override
        public URI getRequestURI() {
            return null;
        }

        @Override
        public String getRequestMethod() {
            return "GET";
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public InputStream getRequestBody() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream getResponseBody() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) {
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return null;
        }

        @Override
        public int getResponseCode() {
            return 200;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return null;
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
