package dev.hardening.auth;

import dev.hardening.auth.internal.DefaultTokenVerifier;
import dev.hardening.config.Checks;
import dev.hardening.config.StartupCheck;
import dev.hardening.config.TimeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies compact JWS tokens (JWTs) against one or more trusted issuers.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *         .issuer(IssuerPolicy.discovery("https://login.example.com").audience("orders-api").build())
 *         .build();
 * VerifiedToken token = verifier.verify(bearer);   // or InvalidTokenException / KeysUnavailableException
 * }</pre>
 *
 * <p>Checks, in order: size cap (before any parsing; default {@link #DEFAULT_MAX_TOKEN_BYTES}),
 * compact form with canonical base64url, header (algorithm allow-list, no {@code crit}, no
 * {@code jku}/{@code x5u}/{@code jwk}/{@code x5c}, no {@code b64}, no nested {@code cty: JWT}),
 * claims JSON, exact issuer, token kind, key (by {@code kid}, with key policy: RSA ≥ 2048 bits,
 * {@code use}/{@code key_ops} respected, key type matching the algorithm), signature, then
 * {@code exp}, {@code iat}, {@code nbf}, lifetime, audience and profile rules.
 *
 * <p>Key-bound tokens (RFC 9449 DPoP, {@code cnf.jkt}) are accepted only through
 * {@link #verify(TokenRequest)} with {@link TokenRequest.Scheme#DPOP} and a valid proof
 * ({@link DpopPolicy}); presented as Bearer they are rejected ({@code dpop_bound_token}). Opaque
 * tokens (anything that is not three base64url segments) are checked by RFC 7662 introspection
 * when {@link Builder#introspection(Introspection)} is set, and rejected otherwise.
 *
 * <p>A token verified once is remembered ({@link TokenCache}, on by default, by the SHA-256 digest
 * of the token, never the token): presented again it skips parsing and the signature, while its
 * time claims, its issuer's policy and the presence of its key in the issuer's key set are checked
 * on every presentation, and a DPoP proof is checked in full every time.
 *
 * <p>Implementations are thread-safe. Keys are fetched lazily; {@link #warmUp()} starts fetching
 * early without blocking. {@link #close()} stops background refreshes.
 */
public interface TokenVerifier extends StartupCheck, AutoCloseable {

    /** 16 KiB. */
    int DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;
    /** Smallest size cap {@link Builder#maxTokenBytes(int)} accepts: 1 KiB. */
    int MIN_MAX_TOKEN_BYTES = 1024;
    /** Largest size cap {@link Builder#maxTokenBytes(int)} accepts: 1 MiB. */
    int MAX_MAX_TOKEN_BYTES = 1024 * 1024;

    /**
     * Verifies a token against the issuer named in its {@code iss} claim.
     *
     * @param token the compact token (without {@code Bearer })
     * @return the verified token
     * @throws InvalidTokenException             if the token is not valid, or is bound to a key (→ 401)
     * @throws KeysUnavailableException          if the issuer's keys cannot be obtained (→ 503)
     * @throws IntrospectionUnavailableException if an opaque token cannot be introspected (→ 503)
     */
    VerifiedToken verify(CharSequence token);

    /**
     * Verifies a token as a request presented it: Bearer (as {@link #verify(CharSequence)}), or
     * DPoP: the token must be bound to a key ({@code cnf.jkt}) and the proof must pass every check
     * of {@link DpopPolicy}. The proof's {@code jti} is remembered only when every other check passed.
     *
     * @param request the presentation
     * @return the verified token
     * @throws InvalidTokenException             if the token or the proof is not valid (→ 401; a
     *                                           proof reason when {@link RejectionReason#isProofError()})
     * @throws DpopNonceRequiredException        if server nonces are required and the proof has none or a stale one (→ 401)
     * @throws KeysUnavailableException          if the issuer's keys cannot be obtained (→ 503)
     * @throws IntrospectionUnavailableException if an opaque token cannot be introspected (→ 503)
     */
    VerifiedToken verify(TokenRequest request);

    /** @return the DPoP policy (its {@link DpopPolicy#challengeAlgorithms()} go into {@code WWW-Authenticate: DPoP}) */
    DpopPolicy dpop();

    /**
     * Verifies an ID token and its {@code nonce}.
     *
     * @param token         the compact token
     * @param expectedNonce the nonce sent in the authentication request
     * @return the verified token
     * @throws InvalidTokenException    if the token is not valid, is not an ID token, or the nonce differs
     * @throws KeysUnavailableException if the issuer's keys cannot be obtained
     */
    VerifiedToken verifyIdToken(CharSequence token, String expectedNonce);

    /** @return one status per issuer, in configuration order */
    List<JwksStatus> status();

    /**
     * @return the verified-token cache's counters (read at the call; thread-safe), or empty when
     *     the cache is off or the implementation keeps none; the default is empty
     */
    default java.util.Optional<TokenCache.Stats> cacheStats() {
        return java.util.Optional.empty();
    }

    /**
     * Starts fetching every issuer's keys in the background (never blocks, never throws for a
     * provider that is down).
     *
     * @return completes when every issuer's first refresh has finished, successfully or not
     */
    CompletableFuture<Void> warmUp();

    /** Stops background refreshes; verification keeps working with the keys already cached. */
    @Override
    void close();

    /** @return a new builder */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link TokenVerifier}. Not thread-safe. Each option may be set once
     * ({@code "timeSource: already set"}); {@link #issuer} and {@link #listener} add one more each call.
     */
    final class Builder {
        private final Map<String, IssuerPolicy> issuers = new LinkedHashMap<>();
        private TimeSource timeSource;
        private Integer maxTokenBytes;
        private JwksSettings jwks;
        private DpopPolicy dpop;
        private Introspection introspection;
        private ProviderConnection connection;
        private TokenCache tokenCache;
        private boolean noIssuerAllowed;
        private final List<JwksListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Trusts an issuer. Call once per issuer; tokens are routed by their exact {@code iss}.
         *
         * @param policy the issuer's policy
         * @return this builder
         * @throws IllegalArgumentException if the issuer was already added
         */
        public Builder issuer(IssuerPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            if (issuers.putIfAbsent(policy.issuer(), policy) != null) {
                throw new IllegalArgumentException("issuer: " + policy.issuer() + " (expected: each issuer added once)");
            }
            return this;
        }

        /**
         * @param value the time source: its wall clock for token times, its monotonic reading for
         *              cache ages, refresh windows and waits; default {@link TimeSource#system()}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource value) {
            this.timeSource = Checks.setOnce(timeSource, value, "timeSource");
            return this;
        }

        /**
         * @param value the size cap in bytes (characters of the compact form), {@link #MIN_MAX_TOKEN_BYTES}
         *              to {@link #MAX_MAX_TOKEN_BYTES}; default {@link #DEFAULT_MAX_TOKEN_BYTES}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxTokenBytes(int value) {
            Checks.setOnce(maxTokenBytes, value, "maxTokenBytes");
            Checks.inRange(value, MIN_MAX_TOKEN_BYTES, MAX_MAX_TOKEN_BYTES, "maxTokenBytes");
            this.maxTokenBytes = value;
            return this;
        }

        /**
         * @param value JWKS fetching and caching settings; default {@link JwksSettings#defaults()}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder jwks(JwksSettings value) {
            this.jwks = Checks.setOnce(jwks, value, "jwks");
            return this;
        }

        /**
         * @param value how DPoP proofs are checked; default {@link DpopPolicy#defaults()}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder dpop(DpopPolicy value) {
            this.dpop = Checks.setOnce(dpop, value, "dpop");
            return this;
        }

        /**
         * @param value introspection for opaque tokens; default none (opaque tokens are rejected)
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder introspection(Introspection value) {
            this.introspection = Checks.setOnce(introspection, value, "introspection");
            return this;
        }

        /**
         * @param value how discovery, JWKS and introspection reach the provider (TLS context, proxy,
         *              or a whole client); default {@link ProviderConnection#defaults()}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder connection(ProviderConnection value) {
            this.connection = Checks.setOnce(connection, value, "connection");
            return this;
        }

        /**
         * @param value the verified-token cache; default {@link TokenCache#defaults()} (on, {@value
         *              TokenCache#DEFAULT_MAXIMUM_SIZE} tokens); {@link TokenCache#disabled()} verifies
         *              every presentation in full
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder tokenCache(TokenCache value) {
            this.tokenCache = Checks.setOnce(tokenCache, value, "tokenCache");
            return this;
        }

        /**
         * @param value receives JWKS events of every issuer; may be called several times
         * @return this builder
         */
        public Builder listener(JwksListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * Lets {@link #build()} succeed when no issuer was added. The verifier then refuses every JWT
         * ({@link RejectionReason#WRONG_ISSUER}), fetches no keys, and its startup findings name no
         * issuer; its other findings (token cache, introspection) are reported as usual. For a service
         * whose configuration leaves it without a usable issuer while its startup report already
         * refuses the start for that reason: the service can still build its other components and
         * report every problem in the same boot. Without this call, {@link #build()} refuses an empty
         * issuer list, so a forgotten issuer never passes unnoticed. Calling it again changes nothing.
         *
         * @return this builder
         */
        public Builder allowNoIssuer() {
            this.noIssuerAllowed = true;
            return this;
        }

        /**
         * @return the verifier; nothing is fetched yet
         * @throws IllegalStateException if no issuer was added (unless {@link #allowNoIssuer()})
         */
        public TokenVerifier build() {
            if (issuers.isEmpty() && !noIssuerAllowed) {
                throw new IllegalStateException("issuer: none (expected: at least one trusted issuer)");
            }
            return DefaultTokenVerifier.create(List.copyOf(issuers.values()),
                    timeSource == null ? TimeSource.system() : timeSource,
                    maxTokenBytes == null ? DEFAULT_MAX_TOKEN_BYTES : maxTokenBytes,
                    jwks == null ? JwksSettings.defaults() : jwks,
                    List.copyOf(listeners),
                    dpop == null ? DpopPolicy.defaults() : dpop,
                    java.util.Optional.ofNullable(introspection),
                    connection == null ? ProviderConnection.defaults() : connection,
                    tokenCache == null ? TokenCache.defaults() : tokenCache,
                    noIssuerAllowed);
        }
    }
}
