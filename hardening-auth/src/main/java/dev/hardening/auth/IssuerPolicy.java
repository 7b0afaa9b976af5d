package dev.hardening.auth;

import dev.hardening.auth.internal.UrlRules;
import dev.hardening.config.Checks;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the verifier trusts from one issuer: where its keys come from, which algorithms, audiences
 * and token kind it accepts, and the time rules. Immutable and thread-safe; built with
 * {@link #discovery(String)}, {@link #jwksUri(String, URI)} or {@link #staticKeys(String, String)}.
 *
 * <p>Defaults (pinned by tests): every asymmetric algorithm ({@link #ASYMMETRIC_ALGORITHMS});
 * profile {@link TokenProfile#ACCESS_TOKEN}; clock skew {@link #DEFAULT_CLOCK_SKEW} (at most
 * {@link #MAX_CLOCK_SKEW}); maximum lifetime ({@code exp - iat}) {@link #DEFAULT_MAX_LIFETIME}.
 * An audience is required (for ID tokens the client id is the audience).
 *
 * <p>Issuer and JWKS URLs should be {@code https}. Plain {@code http} is accepted on any host (an
 * identity provider inside a private network), but the verifier's startup finding {@code HA-A002}
 * flags it: keys fetched over an unauthenticated channel can be replaced by anyone on the network
 * path. It is a WARN outside production and a FAIL in production, which an operator can only
 * accept with a silence of {@code HA-A002}.
 *
 * <p>The builder's options are set at most once each ({@code "clockSkew: already set"}).
 */
public final class IssuerPolicy {

    /**
     * RS256…RS512, PS256…PS512, ES256…ES512, EdDSA and the fully-specified names of RFC 9864
     * ({@code Ed25519}, {@code Ed448}, {@code ESP256}, {@code ESP384}, {@code ESP512}): the only
     * algorithms ever accepted. Each is accepted only with a key of its type and curve.
     */
    public static final Set<String> ASYMMETRIC_ALGORITHMS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
            "Ed25519", "Ed448", "ESP256", "ESP384", "ESP512")));
    /** Default allowed clock skew for {@code exp}, {@code nbf} and {@code iat}: 60 s. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Largest clock skew a policy may set: 5 min. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default maximum token lifetime ({@code exp - iat}): 24 h. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

    /** Where an issuer's keys come from. */
    public enum KeySource {
        /** OIDC discovery at {@code {issuer}/.well-known/openid-configuration}, then its {@code jwks_uri}. */
        DISCOVERY,
        /** A JWKS URL given directly. */
        JWKS_URI,
        /** A fixed JWK set given as JSON (for a built-in issuer such as the dev issuer). */
        STATIC
    }

    private final String issuer;
    private final KeySource keySource;
    private final Optional<URI> jwksUri;
    private final Optional<String> staticJwks;
    private final Set<String> audiences;
    private final Set<String> algorithms;
    private final TokenProfile profile;
    private final Optional<String> clientId;
    private final Duration clockSkew;
    private final Duration maxLifetime;

    private IssuerPolicy(Builder b) {
        this.issuer = b.issuer;
        this.keySource = b.keySource;
        this.jwksUri = Optional.ofNullable(b.jwksUri);
        this.staticJwks = Optional.ofNullable(b.staticJwks);
        this.audiences = Collections.unmodifiableSet(new LinkedHashSet<>(b.audiences));
        this.algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(b.algorithms));
        this.profile = b.profile;
        this.clientId = Optional.ofNullable(b.clientId);
        this.clockSkew = b.clockSkew;
        this.maxLifetime = b.maxLifetime;
    }

    /**
     * Trusts an OpenID provider found by discovery. The provider is contacted lazily, on the first
     * token (or {@link TokenVerifier#warmUp()}), so a provider that is down does not stop startup.
     * The discovered {@code issuer} must equal this one exactly.
     *
     * @param issuer the issuer identifier, exactly as in tokens' {@code iss}
     * @return a builder
     * @throws IllegalArgumentException if the issuer is not an absolute http(s) URL without query, fragment or user info
     */
    public static Builder discovery(String issuer) {
        checkUrl("issuer", issuer);
        return new Builder(issuer, KeySource.DISCOVERY, null, null);
    }

    /**
     * Trusts the keys published at a JWKS URL, skipping discovery.
     *
     * @param issuer  the issuer identifier, exactly as in tokens' {@code iss} (any string)
     * @param jwksUri the JWKS URL
     * @return a builder
     * @throws IllegalArgumentException if the JWKS URL is not an absolute http(s) URL without query, fragment or user info
     */
    public static Builder jwksUri(String issuer, URI jwksUri) {
        Objects.requireNonNull(jwksUri, "jwksUri");
        checkUrl("jwksUri", jwksUri.toString());
        return new Builder(requireText("issuer", issuer), KeySource.JWKS_URI, jwksUri, null);
    }

    /**
     * Trusts a fixed set of public keys.
     *
     * @param issuer    the issuer identifier
     * @param jwkSetJson a JWK set ({@code {"keys":[...]}}) holding public keys only
     * @return a builder
     */
    public static Builder staticKeys(String issuer, String jwkSetJson) {
        Objects.requireNonNull(jwkSetJson, "jwkSetJson");
        return new Builder(requireText("issuer", issuer), KeySource.STATIC, null, jwkSetJson);
    }

    /** @return the issuer identifier ({@code iss}) */
    public String issuer() {
        return issuer;
    }

    /** @return where the keys come from */
    public KeySource keySource() {
        return keySource;
    }

    /** @return the JWKS URL, when given directly */
    public Optional<URI> jwksUri() {
        return jwksUri;
    }

    /** @return the static JWK set JSON, for {@link KeySource#STATIC} */
    public Optional<String> staticJwks() {
        return staticJwks;
    }

    /** @return the accepted audiences (for ID tokens: the client id) */
    public Set<String> audiences() {
        return audiences;
    }

    /** @return the allowed JWS algorithms */
    public Set<String> algorithms() {
        return algorithms;
    }

    /** @return the token kind */
    public TokenProfile profile() {
        return profile;
    }

    /** @return the OAuth client id (ID tokens) */
    public Optional<String> clientId() {
        return clientId;
    }

    /** @return the allowed clock skew */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** @return the maximum {@code exp - iat} */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** @return whether the keys are fetched over plain http (the issuer URL for discovery, else the JWKS URL) */
    public boolean usesPlainHttp() {
        return plainHttpUrl().isPresent();
    }

    /** @return the plain-http URL the keys are fetched from (discovery issuer or JWKS URL), if any */
    public Optional<String> plainHttpUrl() {
        String u = keySource == KeySource.DISCOVERY ? issuer : jwksUri.map(URI::toString).orElse("https:");
        return UrlRules.isPlainHttp(u) ? Optional.of(u) : Optional.empty();
    }

    @Override
    public String toString() {
        return "IssuerPolicy[" + issuer + ", " + keySource + ", " + profile + ", aud=" + audiences + "]";
    }

    static String requireText(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + ": blank (expected: a non-empty string)");
        }
        return value;
    }

    static void checkUrl(String field, String value) {
        requireText(field, value);
        UrlRules.check(field, value);
    }

    /** Builds an {@link IssuerPolicy}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final String issuer;
        private final KeySource keySource;
        private final URI jwksUri;
        private final String staticJwks;
        private final Set<String> audiences = new LinkedHashSet<>();
        private boolean audienceSet;
        private Set<String> algorithms;
        private TokenProfile profile;
        private String clientId;
        private Duration clockSkew;
        private Duration maxLifetime;

        private Builder(String issuer, KeySource keySource, URI jwksUri, String staticJwks) {
            this.issuer = issuer;
            this.keySource = keySource;
            this.jwksUri = jwksUri;
            this.staticJwks = staticJwks;
        }

        /**
         * Sets the accepted audiences; a token is accepted if any of its {@code aud} values is one of them.
         *
         * @param values one or more non-blank audiences
         * @return this builder
         * @throws IllegalStateException    if audiences were already set
         * @throws IllegalArgumentException if no value is given or a value is blank
         */
        public Builder audience(String... values) {
            if (audienceSet) {
                throw new IllegalStateException("audience: already set");
            }
            audienceSet = true;
            if (values.length == 0) {
                throw new IllegalArgumentException("audience: empty (expected: at least one value)");
            }
            for (String v : values) {
                audiences.add(requireText("audience", v));
            }
            return this;
        }

        /**
         * Narrows the accepted algorithms.
         *
         * @param values a non-empty subset of {@link #ASYMMETRIC_ALGORITHMS}
         * @return this builder
         * @throws IllegalArgumentException for {@code none}, HS* or any other algorithm
         * @throws IllegalStateException    if already set
         */
        public Builder algorithms(String... values) {
            if (algorithms != null) {
                throw new IllegalStateException("algorithms: already set");
            }
            if (values.length == 0) {
                throw new IllegalArgumentException("algorithms: empty (expected: a subset of " + ASYMMETRIC_ALGORITHMS + ")");
            }
            Set<String> set = new LinkedHashSet<>();
            for (String v : values) {
                if (!ASYMMETRIC_ALGORITHMS.contains(v)) {
                    throw new IllegalArgumentException("algorithms: " + v + " (expected: one of " + ASYMMETRIC_ALGORITHMS + ")");
                }
                set.add(v);
            }
            this.algorithms = set;
            return this;
        }

        /**
         * @param value the token kind; {@link TokenProfile#ID_TOKEN} also needs {@link #clientId(String)}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder profile(TokenProfile value) {
            this.profile = Checks.setOnce(profile, value, "profile");
            return this;
        }

        /**
         * @param value the OAuth client id; for ID tokens it is added to the accepted audiences
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder clientId(String value) {
            this.clientId = Checks.setOnce(clientId, requireText("clientId", value), "clientId");
            return this;
        }

        /**
         * @param value allowed clock skew, 0 to {@link #MAX_CLOCK_SKEW}; default {@link #DEFAULT_CLOCK_SKEW}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder clockSkew(Duration value) {
            Checks.setOnce(clockSkew, value, "clockSkew");
            if (value.isNegative() || value.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clockSkew: " + value + " (expected: 0 to " + MAX_CLOCK_SKEW + ")");
            }
            this.clockSkew = value;
            return this;
        }

        /**
         * @param value maximum {@code exp - iat}, positive, at most 30 days; default {@link #DEFAULT_MAX_LIFETIME}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder maxLifetime(Duration value) {
            Checks.setOnce(maxLifetime, value, "maxLifetime");
            if (value.isZero() || value.isNegative() || value.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("maxLifetime: " + value + " (expected: > 0 and <= P30D)");
            }
            this.maxLifetime = value;
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalStateException if no audience is set (access tokens) or no client id (ID tokens)
         */
        public IssuerPolicy build() {
            if (algorithms == null) {
                algorithms = ASYMMETRIC_ALGORITHMS;
            }
            if (profile == null) {
                profile = TokenProfile.ACCESS_TOKEN;
            }
            if (clockSkew == null) {
                clockSkew = DEFAULT_CLOCK_SKEW;
            }
            if (maxLifetime == null) {
                maxLifetime = DEFAULT_MAX_LIFETIME;
            }
            if (profile == TokenProfile.ID_TOKEN) {
                if (clientId == null) {
                    throw new IllegalStateException("clientId: unset (expected: the OAuth client id for the ID_TOKEN profile)");
                }
                audiences.add(clientId);
            }
            if (audiences.isEmpty()) {
                throw new IllegalStateException("audience: unset (expected: at least one accepted audience; "
                        + "tokens for other services must not be accepted)");
            }
            return new IssuerPolicy(this);
        }
    }
}
