package dev.hardening.auth;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.StartupCheck;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict CORS policy, validated when built: exact origins only ({@code *}, {@code null},
 * wildcard hosts, paths and reflected origins are impossible), explicit methods and headers (no
 * {@code *}), {@code http://} origins only outside production. {@link #evaluate} decides a request
 * and returns the headers to send; adapters in {@code jdkhttp} and {@code servlet} apply it.
 * Immutable and thread-safe.
 */
public final class CorsPolicy implements StartupCheck {

    /** 10 minutes. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    /** 2 hours (browsers cap preflight caching there anyway). */
    public static final Duration MAX_MAX_AGE = Duration.ofHours(2);

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");

    /** What to do with a request. */
    public enum Outcome {
        /** No {@code Origin} header: not a CORS request; pass through untouched. */
        NOT_CORS,
        /** An allowed preflight: answer 204 with {@link Decision#headers()}, do not call the handler. */
        PREFLIGHT_ALLOWED,
        /** A refused preflight: answer 403 with {@link Decision#headers()}, do not call the handler. */
        PREFLIGHT_REJECTED,
        /** An allowed actual request: add {@link Decision#headers()} and call the handler. */
        ALLOWED,
        /** A request from another origin: call the handler without CORS grants (the browser blocks the read). */
        ORIGIN_NOT_ALLOWED
    }

    /**
     * @param outcome what to do
     * @param headers response headers to set (always includes {@code Vary} for CORS requests)
     */
    public record Decision(Outcome outcome, Map<String, String> headers) {
    }

    private final AppEnvironment environment;
    private final Set<String> origins;
    private final List<String> methods;
    private final Set<String> headersLower;
    private final List<String> headers;
    private final List<String> exposed;
    private final boolean credentials;
    private final Duration maxAge;

    private CorsPolicy(Builder b) {
        this.environment = b.environment;
        this.origins = Collections.unmodifiableSet(new LinkedHashSet<>(b.origins));
        this.methods = List.copyOf(b.methods);
        this.headers = List.copyOf(b.headers);
        Set<String> lower = new LinkedHashSet<>();
        for (String h : b.headers) {
            lower.add(h.toLowerCase(Locale.ROOT));
        }
        this.headersLower = Collections.unmodifiableSet(lower);
        this.exposed = List.copyOf(b.exposed);
        this.credentials = b.credentials;
        this.maxAge = b.maxAge;
    }

    /**
     * @param environment production refuses {@code http://} origins
     * @return a builder; methods default to GET and POST, headers to Authorization and Content-Type
     */
    public static Builder builder(AppEnvironment environment) {
        return new Builder(Objects.requireNonNull(environment, "environment"));
    }

    /** @return the allowed origins, normalised */
    public Set<String> origins() {
        return origins;
    }

    /** @return the allowed methods */
    public List<String> methods() {
        return methods;
    }

    /** @return the allowed request headers */
    public List<String> headers() {
        return headers;
    }

    /**
     * @param origin the request's {@code Origin}, may be null
     * @return whether it is exactly one of the allowed origins
     */
    public boolean allowsOrigin(String origin) {
        return origin != null && origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    /**
     * Decides a request.
     *
     * @param method                     the HTTP method
     * @param origin                     the {@code Origin} header, may be null
     * @param requestMethod              {@code Access-Control-Request-Method}, may be null
     * @param requestHeaders             {@code Access-Control-Request-Headers}, may be null
     * @return the decision and the headers to send
     */
    public Decision evaluate(String method, String origin, String requestMethod, String requestHeaders) {
        if (origin == null) {
            return new Decision(Outcome.NOT_CORS, Map.of());
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean preflight = "OPTIONS".equals(method) && requestMethod != null;
        out.put("Vary", preflight ? "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" : "Origin");
        boolean allowed = allowsOrigin(origin);
        if (preflight) {
            if (!allowed || !methods.contains(requestMethod) || !headersAllowed(requestHeaders)) {
                return new Decision(Outcome.PREFLIGHT_REJECTED, Collections.unmodifiableMap(out));
            }
            out.put("Access-Control-Allow-Origin", origin);
            out.put("Access-Control-Allow-Methods", String.join(", ", methods));
            if (!headers.isEmpty()) {
                out.put("Access-Control-Allow-Headers", String.join(", ", headers));
            }
            out.put("Access-Control-Max-Age", Long.toString(maxAge.getSeconds()));
            if (credentials) {
                out.put("Access-Control-Allow-Credentials", "true");
            }
            return new Decision(Outcome.PREFLIGHT_ALLOWED, Collections.unmodifiableMap(out));
        }
        if (!allowed) {
            return new Decision(Outcome.ORIGIN_NOT_ALLOWED, Collections.unmodifiableMap(out));
        }
        out.put("Access-Control-Allow-Origin", origin);
        if (credentials) {
            out.put("Access-Control-Allow-Credentials", "true");
        }
        if (!exposed.isEmpty()) {
            out.put("Access-Control-Expose-Headers", String.join(", ", exposed));
        }
        return new Decision(Outcome.ALLOWED, Collections.unmodifiableMap(out));
    }

    private boolean headersAllowed(String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        for (String h : requested.split(",")) {
            String name = h.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !headersLower.contains(name)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Finding> findings(AppEnvironment env) {
        String rule = "Auth: CORS";
        List<Finding> out = new ArrayList<>();
        if (origins.isEmpty()) {
            out.add(Finding.pass("HA-C001", rule, "CORS_ORIGINS", "no cross-origin access granted", ""));
        } else {
            out.add(Finding.pass("HA-C001", rule, "CORS_ORIGINS", "exact origins " + origins + ", methods " + methods
                    + ", headers " + headers + (credentials ? ", with credentials" : ""), ""));
        }
        for (String o : origins) {
            if (o.startsWith("http://")) {
                out.add(new Finding("HA-C002", env.policyViolation(), rule, "CORS_ORIGINS", "plain http origin " + o,
                        "use https origins"));
            }
        }
        return out;
    }

    /**
     * Builds a {@link CorsPolicy}; every value is validated when added. {@link #allowOrigins} adds
     * origins at each call; every other option may be set once ({@code "maxAge: already set"}).
     * Not thread-safe.
     */
    public static final class Builder {
        private final AppEnvironment environment;
        private final Set<String> origins = new LinkedHashSet<>();
        private List<String> methods;
        private List<String> headers;
        private List<String> exposed;
        private Boolean credentials;
        private Duration maxAge;

        private Builder(AppEnvironment environment) {
            this.environment = environment;
        }

        /**
         * @param values exact origins such as {@code https://app.example.com} or {@code http://localhost:3000} (not in production)
         * @return this builder
         * @throws IllegalArgumentException for {@code *}, {@code null}, wildcards, paths, or http in production
         */
        public Builder allowOrigins(String... values) {
            for (String v : values) {
                origins.add(origin(v));
            }
            return this;
        }

        private String origin(String v) {
            Objects.requireNonNull(v, "origin");
            String o = v.strip();
            String expected = " (expected: an exact origin such as https://app.example.com)";
            if (o.isEmpty() || o.equals("*") || o.equalsIgnoreCase("null") || o.contains("*")) {
                throw new IllegalArgumentException("origin: " + v + expected);
            }
            URI uri;
            try {
                uri = new URI(o);
            } catch (Exception e) {
                throw new IllegalArgumentException("origin: " + v + expected, e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
                throw new IllegalArgumentException("origin: " + v + expected + " (no path, not even /)");
            }
            if (scheme.equals("http")) {
                if (environment.isProduction()) {
                    throw new IllegalArgumentException("origin: " + v + " (expected: https in production)");
                }
            } else if (!scheme.equals("https")) {
                throw new IllegalArgumentException("origin: " + v + expected);
            }
            return o.toLowerCase(Locale.ROOT);
        }

        /**
         * @param values explicit methods (upper case), no {@code *}; default GET, POST
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder allowMethods(String... values) {
            if (methods != null) {
                throw new IllegalStateException("methods: already set");
            }
            List<String> list = new ArrayList<>();
            for (String m : values) {
                if (m == null || !METHOD.matcher(m).matches()) {
                    throw new IllegalArgumentException("method: " + m + " (expected: an explicit method such as GET)");
                }
                list.add(m);
            }
            this.methods = list;
            return this;
        }

        /**
         * @param values explicit request header names, no {@code *}; default Authorization, Content-Type
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder allowHeaders(String... values) {
            this.headers = Checks.setOnce(headers, tokens("header", values), "headers");
            return this;
        }

        /**
         * @param values response headers scripts may read; default none
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder exposeHeaders(String... values) {
            this.exposed = Checks.setOnce(exposed, tokens("exposed header", values), "exposedHeaders");
            return this;
        }

        private static List<String> tokens(String field, String... values) {
            List<String> list = new ArrayList<>();
            for (String h : values) {
                if (h == null || h.equals("*") || !TOKEN.matcher(h).matches()) {
                    throw new IllegalArgumentException(field + ": " + h + " (expected: an explicit header name)");
                }
                list.add(h);
            }
            return list;
        }

        /**
         * @param value whether cookies/credentials may be sent; default false
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder allowCredentials(boolean value) {
            this.credentials = Checks.setOnce(credentials, value, "credentials");
            return this;
        }

        /**
         * @param value preflight cache time, 0 to {@link #MAX_MAX_AGE}; default {@link #DEFAULT_MAX_AGE}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder maxAge(Duration value) {
            Checks.setOnce(maxAge, value, "maxAge");
            if (value.isNegative() || value.compareTo(MAX_MAX_AGE) > 0) {
                throw new IllegalArgumentException("maxAge: " + value + " (expected: PT0S to " + MAX_MAX_AGE + ")");
            }
            this.maxAge = value;
            return this;
        }

        /** @return the policy (an empty origin list grants nothing) */
        public CorsPolicy build() {
            if (methods == null) {
                methods = List.of("GET", "POST");
            }
            if (headers == null) {
                headers = List.of("Authorization", "Content-Type");
            }
            if (exposed == null) {
                exposed = List.of();
            }
            if (credentials == null) {
                credentials = false;
            }
            if (maxAge == null) {
                maxAge = DEFAULT_MAX_AGE;
            }
            return new CorsPolicy(this);
        }
    }
}
