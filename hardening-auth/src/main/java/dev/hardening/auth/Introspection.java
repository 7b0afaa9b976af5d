package dev.hardening.auth;

import dev.hardening.auth.internal.UrlRules;
import dev.hardening.config.Checks;
import dev.hardening.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks opaque access tokens (anything that is not three base64url segments) by RFC 7662
 * introspection. Immutable and thread-safe; add it with {@link TokenVerifier.Builder#introspection}.
 * JWT-shaped tokens are still verified locally, never introspected.
 *
 * <pre>{@code
 * Introspection.builder(URI.create("https://login.example.com/oauth2/introspect"), "https://login.example.com")
 *         .client("orders-api", clientSecret).audience("orders-api").build();
 * }</pre>
 *
 * <p>The verifier POSTs {@code token=…&token_type_hint=access_token} with HTTP Basic client
 * authentication, and accepts the token when the answer is {@code active: true}, {@code exp} (when
 * present) is in the future, {@code aud} contains an accepted audience, {@code iss} (when present)
 * is {@link #issuer()}, and the token has a {@code sub} or a {@code client_id} (the subject of a
 * client-credentials token). {@code active: false} → 401 ({@code inactive}); the endpoint
 * unreachable, slower than {@link #timeout()}, non-200, malformed or larger than
 * {@link #maxResponseBytes()} with nothing cached → 503 ({@code introspection_unavailable}).
 *
 * <p>Answers are cached by the SHA-256 of the token (never the token itself), at most until the
 * token's {@code exp} and at most {@link #cacheTtl()}, so a revocation is seen within that time;
 * at most {@link #cacheSize()} entries. Defaults (pinned by a test): {@link #DEFAULT_CACHE_TTL},
 * {@link #DEFAULT_CACHE_SIZE}, {@link #DEFAULT_TIMEOUT}, {@link #DEFAULT_MAX_RESPONSE_BYTES}.
 * The endpoint must be https; plain http is accepted but flagged by finding {@code HA-A002} like an
 * issuer.
 */
public final class Introspection {

    /** 60 s: the longest an answer is reused, so revocations are seen within a minute. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    /** 10,000 cached answers. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** 2 s for the whole response. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** 64 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI endpoint;
    private final String issuer;
    private final String clientId;
    private final Secret clientSecret;
    private final Set<String> audiences;
    private final Duration cacheTtl;
    private final int cacheSize;
    private final Duration timeout;
    private final int maxResponseBytes;

    private Introspection(Builder b) {
        this.endpoint = b.endpoint;
        this.issuer = b.issuer;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.audiences = Collections.unmodifiableSet(new LinkedHashSet<>(b.audiences));
        this.cacheTtl = b.cacheTtl == null ? DEFAULT_CACHE_TTL : b.cacheTtl;
        this.cacheSize = b.cacheSize == null ? DEFAULT_CACHE_SIZE : b.cacheSize;
        this.timeout = b.timeout == null ? DEFAULT_TIMEOUT : b.timeout;
        this.maxResponseBytes = b.maxResponseBytes == null ? DEFAULT_MAX_RESPONSE_BYTES : b.maxResponseBytes;
    }

    /**
     * @param endpoint the introspection endpoint, an absolute http(s) URL
     * @param issuer   the issuer: the required {@code iss} when the answer has one, and the
     *                 {@link VerifiedToken#issuer()} of introspected tokens
     * @return a builder
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL without query,
     *                                  fragment or user info, or the issuer is blank
     * @throws NullPointerException     if an argument is null
     */
    public static Builder builder(URI endpoint, String issuer) {
        Checks.notNull(endpoint, "endpoint");
        IssuerPolicy.checkUrl("endpoint", endpoint.toString());
        return new Builder(endpoint, IssuerPolicy.requireText("issuer", issuer));
    }

    /** @return the endpoint */
    public URI endpoint() {
        return endpoint;
    }

    /** @return the issuer */
    public String issuer() {
        return issuer;
    }

    /** @return the client id used for HTTP Basic authentication */
    public String clientId() {
        return clientId;
    }

    /** @return the client secret used for HTTP Basic authentication */
    public Secret clientSecret() {
        return clientSecret;
    }

    /** @return the accepted audiences */
    public Set<String> audiences() {
        return audiences;
    }

    /** @return the longest an answer is cached */
    public Duration cacheTtl() {
        return cacheTtl;
    }

    /** @return the most answers cached */
    public int cacheSize() {
        return cacheSize;
    }

    /** @return the deadline for the whole response */
    public Duration timeout() {
        return timeout;
    }

    /** @return the response size cap */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** @return whether the endpoint is plain http */
    public boolean usesPlainHttp() {
        return UrlRules.isPlainHttp(endpoint.toString());
    }

    @Override
    public String toString() {
        return "Introspection[" + endpoint + ", client=" + clientId + ", aud=" + audiences + "]";
    }

    /** Builds an {@link Introspection}; each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final URI endpoint;
        private final String issuer;
        private String clientId;
        private Secret clientSecret;
        private final Set<String> audiences = new LinkedHashSet<>();
        private Duration cacheTtl;
        private Integer cacheSize;
        private Duration timeout;
        private Integer maxResponseBytes;

        private Builder(URI endpoint, String issuer) {
            this.endpoint = endpoint;
            this.issuer = issuer;
        }

        /**
         * @param id     the client id (no {@code :})
         * @param secret the client secret
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if the id is blank or contains {@code :}
         */
        public Builder client(String id, Secret secret) {
            Checks.setOnce(clientId, IssuerPolicy.requireText("clientId", id), "client");
            if (id.indexOf(':') >= 0) {
                throw new IllegalArgumentException("clientId: " + id + " (expected: no ':', HTTP Basic cannot carry it)");
            }
            this.clientSecret = Checks.notNull(secret, "clientSecret");
            this.clientId = id;
            return this;
        }

        /**
         * @param values one or more accepted audiences
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if empty or a value is blank
         */
        public Builder audience(String... values) {
            if (!audiences.isEmpty()) {
                throw new IllegalStateException("audience: already set");
            }
            if (values.length == 0) {
                throw new IllegalArgumentException("audience: empty (expected: at least one value)");
            }
            for (String v : values) {
                audiences.add(IssuerPolicy.requireText("audience", v));
            }
            return this;
        }

        /**
         * @param value longest an answer is cached, 0 (no cache) to 5 min; default {@link #DEFAULT_CACHE_TTL}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder cacheTtl(Duration value) {
            Checks.setOnce(cacheTtl, value, "cacheTtl");
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("cacheTtl: " + value + " (expected: PT0S to PT5M)");
            }
            this.cacheTtl = value;
            return this;
        }

        /**
         * @param value most answers cached, 1 to 1,000,000; default {@link #DEFAULT_CACHE_SIZE}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder cacheSize(int value) {
            Checks.setOnce(cacheSize, value, "cacheSize");
            Checks.inRange(value, 1, 1_000_000, "cacheSize");
            this.cacheSize = value;
            return this;
        }

        /**
         * @param value deadline for the whole response, 100 ms to 30 s; default {@link #DEFAULT_TIMEOUT}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder timeout(Duration value) {
            Checks.setOnce(timeout, value, "timeout");
            if (value.compareTo(Duration.ofMillis(100)) < 0 || value.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("timeout: " + value + " (expected: PT0.1S to PT30S)");
            }
            this.timeout = value;
            return this;
        }

        /**
         * @param value response size cap, 1 KiB to 1 MiB; default {@link #DEFAULT_MAX_RESPONSE_BYTES}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxResponseBytes(int value) {
            Checks.setOnce(maxResponseBytes, value, "maxResponseBytes");
            Checks.inRange(value, 1024, 1024 * 1024, "maxResponseBytes");
            this.maxResponseBytes = value;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalStateException if the client or the audience is unset
         */
        public Introspection build() {
            if (clientId == null) {
                throw new IllegalStateException("client: unset (expected: the client id and secret for the endpoint)");
            }
            if (audiences.isEmpty()) {
                throw new IllegalStateException("audience: unset (expected: at least one accepted audience)");
            }
            return new Introspection(this);
        }
    }
}
