package dev.hardening.spring.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Runs a filter only for requests whose path (without the context path) matches one of Spring's
 * path patterns ({@code /api/**}); other requests pass straight through. Thread-safe.
 */
public final class PathMatchingFilter extends OncePerRequestFilter {

    private final List<PathPattern> patterns;
    private final Filter delegate;

    /**
     * @param patterns Spring path patterns such as {@code /api/**}
     * @param delegate the filter to run on matching requests
     * @throws org.springframework.web.util.pattern.PatternParseException for a malformed pattern
     */
    public PathMatchingFilter(List<String> patterns, Filter delegate) {
        List<PathPattern> parsed = new ArrayList<>();
        for (String p : patterns) {
            parsed.add(PathPatternParser.defaultInstance.parse(p));
        }
        this.patterns = List.copyOf(parsed);
        this.delegate = delegate;
    }

    /**
     * @param request a request
     * @return whether its path matches one of the patterns
     */
    public boolean matches(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty() && uri.startsWith(context)) {
            uri = uri.substring(context.length());
        }
        PathContainer path = PathContainer.parsePath(uri.isEmpty() ? "/" : uri);
        for (PathPattern p : patterns) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (matches(request)) {
            delegate.doFilter(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }
}
