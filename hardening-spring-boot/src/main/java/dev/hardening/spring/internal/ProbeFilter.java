package dev.hardening.spring.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Plain-text liveness and readiness probes on exact paths, from Boot's {@link ApplicationAvailability}:
 * {@code GET}/{@code HEAD} answer 200 {@code ok} / {@code ready} or 503 {@code not live} /
 * {@code not ready}; other methods 405 with {@code Allow: GET, HEAD}. No internals. Thread-safe.
 */
public final class ProbeFilter extends OncePerRequestFilter {

    private final ApplicationAvailability availability;
    private final Optional<String> livenessPath;
    private final Optional<String> readinessPath;

    /**
     * @param availability  Boot's availability state
     * @param livenessPath  the liveness path, if any
     * @param readinessPath the readiness path, if any
     */
    public ProbeFilter(ApplicationAvailability availability, Optional<String> livenessPath, Optional<String> readinessPath) {
        this.availability = availability;
        this.livenessPath = livenessPath;
        this.readinessPath = readinessPath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = DevTokenFilter.pathWithinApplication(request);
        boolean live = livenessPath.filter(path::equals).isPresent();
        boolean ready = readinessPath.filter(path::equals).isPresent();
        if (!live && !ready) {
            chain.doFilter(request, response);
            return;
        }
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD");
            Problems.write(response, Problems.json(405, "Method Not Allowed", "method_not_allowed", "use GET"));
            return;
        }
        boolean up = live
                ? availability.getLivenessState() == LivenessState.CORRECT
                : availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
        String text = up ? (live ? "ok" : "ready") : (live ? "not live" : "not ready");
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(up ? 200 : 503);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        if (!"HEAD".equals(method)) {
            response.getOutputStream().write(body);
        }
    }
}
