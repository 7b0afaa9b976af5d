package dev.hardening.auth;

import dev.hardening.config.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A token whose signature, issuer, audience, type and time claims have been verified.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the subject, issuer and expiry, never the
 * token itself.
 */
public final class VerifiedToken {

    private final String subject;
    private final String issuer;
    private final List<String> audiences;
    private final Instant expiresAt;
    private final Instant issuedAt;
    private final Optional<Instant> notBefore;
    private final Set<String> scopes;
    private final String algorithm;
    private final Optional<String> keyId;
    private final Optional<String> type;
    private final TokenProfile profile;
    private final Map<String, Object> claims;

    private VerifiedToken(Builder b) {
        this.subject = b.subject;
        this.issuer = b.issuer;
        this.audiences = List.copyOf(b.audiences);
        this.expiresAt = b.expiresAt;
        this.issuedAt = b.issuedAt;
        this.notBefore = Optional.ofNullable(b.notBefore);
        this.algorithm = b.algorithm;
        this.keyId = Optional.ofNullable(b.keyId);
        this.type = Optional.ofNullable(b.type);
        this.profile = b.profile;
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(b.claims));
        this.scopes = Collections.unmodifiableSet(parseScopes(b.claims));
    }

    /**
     * Creates a verified token. Used by the verifier; applications receive instances, they do not
     * build them (tests may, to fake an authenticated caller).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static Set<String> parseScopes(Map<String, Object> claims) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : List.of("scope", "scp")) {
            Object v = claims.get(name);
            if (v instanceof String) {
                for (String s : ((String) v).split(" ")) {
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
            } else if (v instanceof List) {
                for (Object o : (List<?>) v) {
                    if (o instanceof String && !((String) o).isEmpty()) {
                        out.add((String) o);
                    }
                }
            }
        }
        return out;
    }

    /** @return the {@code sub} claim */
    public String subject() {
        return subject;
    }

    /** @return the {@code iss} claim, exactly one of the configured issuers */
    public String issuer() {
        return issuer;
    }

    /** @return the {@code aud} values, in token order */
    public List<String> audiences() {
        return audiences;
    }

    /** @return the {@code exp} claim */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return the {@code iat} claim */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** @return the {@code nbf} claim, if present */
    public Optional<Instant> notBefore() {
        return notBefore;
    }

    /** @return the scopes from {@code scope} (space-separated) and {@code scp} (string or array) */
    public Set<String> scopes() {
        return scopes;
    }

    /** @return the JWS algorithm that verified, such as {@code RS256} */
    public String algorithm() {
        return algorithm;
    }

    /** @return the {@code kid} header, if present */
    public Optional<String> keyId() {
        return keyId;
    }

    /** @return the {@code typ} header, if present */
    public Optional<String> type() {
        return type;
    }

    /** @return the profile the token was verified against */
    public TokenProfile profile() {
        return profile;
    }

    /** @return every claim, as parsed (strings, numbers, booleans, lists, maps); unmodifiable */
    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * @param name a claim name
     * @return the claim if it is a string
     */
    public Optional<String> stringClaim(String name) {
        Object v = claims.get(name);
        return v instanceof String ? Optional.of((String) v) : Optional.empty();
    }

    /**
     * A claim holding a string or a list of strings (such as {@code roles} or {@code groups});
     * non-string elements are ignored.
     *
     * @param name a claim name
     * @return the values; empty when absent
     */
    public List<String> stringListClaim(String name) {
        Object v = claims.get(name);
        if (v instanceof String) {
            return List.of((String) v);
        }
        if (v instanceof List) {
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) v) {
                if (o instanceof String) {
                    out.add((String) o);
                }
            }
            return List.copyOf(out);
        }
        return List.of();
    }

    /** @return the {@code client_id} claim (RFC 9068), if present */
    public Optional<String> clientId() {
        return stringClaim("client_id");
    }

    /**
     * @param scope a scope
     * @return whether the token grants it
     */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /**
     * Requires every given scope.
     *
     * @param required the scopes; at least one
     * @return this token, for chaining
     * @throws InsufficientScopeException if any is missing (adapters answer 403)
     */
    public VerifiedToken requireScope(String... required) {
        if (required.length == 0) {
            throw new IllegalArgumentException("required: empty (expected: at least one scope)");
        }
        if (!scopes.containsAll(Arrays.asList(required))) {
            throw new InsufficientScopeException(List.of(required));
        }
        return this;
    }

    /**
     * @param role a role name
     * @return whether {@code roles} or {@code groups} contains it
     */
    public boolean hasRole(String role) {
        return stringListClaim("roles").contains(role) || stringListClaim("groups").contains(role);
    }

    @Override
    public String toString() {
        return "VerifiedToken[sub=" + subject + ", iss=" + issuer + ", exp=" + expiresAt + ", alg=" + algorithm + "]";
    }

    /**
     * Builds a {@link VerifiedToken}; each option may be set once ({@code "subject: already set"}).
     * Not thread-safe.
     */
    public static final class Builder {
        private String subject;
        private String issuer;
        private List<String> audiences;
        private Instant expiresAt;
        private Instant issuedAt;
        private Instant notBefore;
        private String algorithm;
        private String keyId;
        private String type;
        private TokenProfile profile;
        private Map<String, Object> claims;
        private final java.util.Set<String> nullableSet = new java.util.HashSet<>();

        private Builder() {
        }

        /** @param v the subject @return this builder */
        public Builder subject(String v) {
            this.subject = Checks.setOnce(subject, v, "subject");
            return this;
        }

        /** @param v the issuer @return this builder */
        public Builder issuer(String v) {
            this.issuer = Checks.setOnce(issuer, v, "issuer");
            return this;
        }

        /** @param v the audiences @return this builder */
        public Builder audiences(List<String> v) {
            this.audiences = List.copyOf(Checks.setOnce(audiences, v, "audiences"));
            return this;
        }

        /** @param v the expiry @return this builder */
        public Builder expiresAt(Instant v) {
            this.expiresAt = Checks.setOnce(expiresAt, v, "expiresAt");
            return this;
        }

        /** @param v the issue time @return this builder */
        public Builder issuedAt(Instant v) {
            this.issuedAt = Checks.setOnce(issuedAt, v, "issuedAt");
            return this;
        }

        /** @param v the not-before time, or null @return this builder */
        public Builder notBefore(Instant v) {
            if (!nullableSet.add("notBefore")) {
                throw new IllegalStateException("notBefore: already set");
            }
            this.notBefore = v;
            return this;
        }

        /** @param v the algorithm @return this builder */
        public Builder algorithm(String v) {
            this.algorithm = Checks.setOnce(algorithm, v, "algorithm");
            return this;
        }

        /** @param v the key id, or null @return this builder */
        public Builder keyId(String v) {
            if (!nullableSet.add("keyId")) {
                throw new IllegalStateException("keyId: already set");
            }
            this.keyId = v;
            return this;
        }

        /** @param v the typ header, or null @return this builder */
        public Builder type(String v) {
            if (!nullableSet.add("type")) {
                throw new IllegalStateException("type: already set");
            }
            this.type = v;
            return this;
        }

        /** @param v the profile @return this builder */
        public Builder profile(TokenProfile v) {
            this.profile = Checks.setOnce(profile, v, "profile");
            return this;
        }

        /** @param v all claims @return this builder */
        public Builder claims(Map<String, Object> v) {
            this.claims = Checks.setOnce(claims, v, "claims");
            return this;
        }

        /**
         * @return the token
         * @throws NullPointerException if subject, issuer, expiresAt or issuedAt is unset
         */
        public VerifiedToken build() {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(issuedAt, "issuedAt");
            if (audiences == null) {
                audiences = List.of();
            }
            if (algorithm == null) {
                algorithm = "RS256";
            }
            if (profile == null) {
                profile = TokenProfile.ACCESS_TOKEN;
            }
            if (claims == null) {
                claims = Map.of();
            }
            return new VerifiedToken(this);
        }
    }
}
