package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.ratelimit.servlet.RateLimitServletFilter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServletRateLimitFilterTest {

    /** A recording response: status, headers and body. */
    static final class RecordingResponse {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    // not used
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "setStatus":
                                status = (Integer) a[0];
                                return null;
                            case "setHeader":
                                headers.put((String) a[0], (String) a[1]);
                                return null;
                            case "setContentType":
                                headers.put("Content-Type", (String) a[0]);
                                return null;
                            case "getOutputStream":
                                return out;
                            default:
                                return null;
                        }
                    });
        }
    }

    static HttpServletRequest request(String remote, List<String> xff) {
        return (HttpServletRequest) Proxy.newProxyInstance(ServletRateLimitFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getRemoteAddr":
                            return remote;
                        case "getHeaders":
                            return Collections.enumeration("X-Forwarded-For".equalsIgnoreCase((String) a[0]) ? xff : List.of());
                        case "getMethod":
                            return "GET";
                        case "getRequestURI":
                            return "/api/x";
                        default:
                            return null;
                    }
                });
    }

    @Test
    void deniesWith429AndPassesAllowedRequestsOn() throws Exception {
        RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("1/1m"))
                .trustedProxies(TrustedProxies.parse("10.0.0.0/8")).build();
        RateLimitServletFilter filter = RateLimitServletFilter.of(rl);
        AtomicInteger passed = new AtomicInteger();
        RecordingResponse ok = new RecordingResponse();
        filter.doFilter(request("10.0.0.5", List.of("203.0.113.7")), ok.proxy(), (q, s) -> passed.incrementAndGet());
        assertThat(passed.get()).isEqualTo(1);
        assertThat(ok.headers.get("RateLimit")).isEqualTo("\"1/1m\";r=0;t=60");

        RecordingResponse other = new RecordingResponse();
        filter.doFilter(request("10.0.0.5", List.of("203.0.113.8")), other.proxy(), (q, s) -> passed.incrementAndGet());
        assertThat(passed.get()).isEqualTo(2);

        RecordingResponse denied = new RecordingResponse();
        filter.doFilter(request("10.0.0.6", List.of("203.0.113.7")), denied.proxy(), (q, s) -> passed.incrementAndGet());
        assertThat(passed.get()).isEqualTo(2);
        assertThat(denied.status).isEqualTo(429);
        assertThat(denied.headers.get("Retry-After")).isEqualTo("60");
        assertThat(denied.headers.get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(denied.body.toString(StandardCharsets.UTF_8)).contains("\"violated-policies\":[\"1/1m\"]");
    }
}
