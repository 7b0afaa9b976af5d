package dev.hardening.auth.internal;

import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.Introspection;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.ProviderConnection;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenCache;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.TimeSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verifier behind {@link TokenVerifier#builder()}. Public only so that the builder in the
 * API package can reach {@link #create}; other modules must not use it (ModuleBoundaries).
 * Thread-safe: all state is immutable or in the per-issuer {@link KeyProvider}s.
 */
public final class DefaultTokenVerifier implements TokenVerifier {

    /** Finding id of an issuer whose keys are fetched over plain http (WARN outside production, FAIL in it). */
    public static final String PLAIN_HTTP_FINDING = "HA-A002";

    private static final Set<String> ID_TOKEN_ONLY_CLAIMS = Set.of("nonce", "at_hash", "c_hash");

    /** Finding id naming the verified-token cache (on, with its bound, or off). */
    public static final String TOKEN_CACHE_FINDING = "HA-A005";

    private record Issuer(IssuerPolicy policy, KeyProvider keys) {
    }

    /** A verified token with what verified it: the issuer and the key whose signature held. */
    private record Verified(VerifiedToken token, Issuer issuer, VerificationKey key) {
    }

    private final Map<String, Issuer> issuers = new LinkedHashMap<>();
    private final TimeSource time;
    private final int maxTokenBytes;
    private final ThreadPoolExecutor executor;
    private final DpopPolicy dpopPolicy;
    private final DpopProofVerifier dpop;
    private final Optional<Introspection> introspectionSettings;
    private final Optional<Introspector> introspector;
    private final TokenCache tokenCacheSettings;
    private final Optional<VerifiedTokenCache> tokenCache;

    /**
     * Builds a verifier from the builder's options, re-checking every one of them, so that this
     * entry point accepts nothing the builder would refuse.
     *
     * @param policies      trusted issuers, at least one, each issuer once
     * @param time          the time source
     * @param maxTokenBytes size cap, {@link TokenVerifier#MIN_MAX_TOKEN_BYTES} to {@link TokenVerifier#MAX_MAX_TOKEN_BYTES}
     * @param settings      JWKS settings
     * @param listeners     event listeners
     * @return the verifier; nothing is fetched yet
     * @throws IllegalStateException    if there is no issuer
     * @throws IllegalArgumentException if an issuer appears twice or the size cap is out of range
     * @throws NullPointerException     if an argument is null
     */
    public static TokenVerifier create(List<IssuerPolicy> policies, TimeSource time, int maxTokenBytes,
                                       JwksSettings settings, List<JwksListener> listeners) {
        return create(policies, time, maxTokenBytes, settings, listeners, DpopPolicy.defaults(), Optional.empty(),
                ProviderConnection.defaults(), TokenCache.defaults(), false);
    }

    /**
     * The verifier with every setting; with {@code noIssuerAllowed}, an empty issuer list builds a
     * verifier that refuses every JWT ({@code wrong_issuer}) instead of failing.
     *
     * @param policies        trusted issuers (empty only with {@code noIssuerAllowed})
     * @param time            time source
     * @param maxTokenBytes   size cap
     * @param settings        JWKS settings
     * @param listeners       JWKS event listeners
     * @param dpop            the DPoP policy
     * @param introspection   introspection for opaque tokens, if any
     * @param connection      how the provider is reached
     * @param tokenCache      the verified-token cache settings
     * @param noIssuerAllowed whether an empty issuer list is accepted
     * @return the verifier; nothing is fetched yet
     * @throws IllegalStateException    if there is no issuer and {@code noIssuerAllowed} is false
     * @throws IllegalArgumentException if an issuer appears twice or the size cap is out of range
     * @throws NullPointerException     if an argument is null
     */
    public static TokenVerifier create(List<IssuerPolicy> policies, TimeSource time, int maxTokenBytes,
                                       JwksSettings settings, List<JwksListener> listeners, DpopPolicy dpop,
                                       Optional<Introspection> introspection, ProviderConnection connection,
                                       TokenCache tokenCache, boolean noIssuerAllowed) {
        List<IssuerPolicy> issuers = List.copyOf(Checks.notNull(policies, "issuer"));
        if (issuers.isEmpty() && !noIssuerAllowed) {
            throw new IllegalStateException("issuer: none (expected: at least one trusted issuer)");
        }
        if (issuers.stream().map(IssuerPolicy::issuer).distinct().count() != issuers.size()) {
            throw new IllegalArgumentException("issuer: added twice (expected: each issuer added once)");
        }
        Checks.inRange(maxTokenBytes, TokenVerifier.MIN_MAX_TOKEN_BYTES, TokenVerifier.MAX_MAX_TOKEN_BYTES, "maxTokenBytes");
        return new DefaultTokenVerifier(issuers, Checks.notNull(time, "timeSource"), maxTokenBytes,
                Checks.notNull(settings, "jwks"), List.copyOf(Checks.notNull(listeners, "listener")),
                Checks.notNull(dpop, "dpop"), Checks.notNull(introspection, "introspection"),
                Checks.notNull(connection, "connection"), Checks.notNull(tokenCache, "tokenCache"));
    }

    private DefaultTokenVerifier(List<IssuerPolicy> policies, TimeSource time, int maxTokenBytes, JwksSettings settings,
                                 List<JwksListener> listeners, DpopPolicy dpop, Optional<Introspection> introspection,
                                 ProviderConnection connection, TokenCache tokenCache) {
        Objects.requireNonNull(policies);
        this.time = time;
        this.tokenCacheSettings = tokenCache;
        this.tokenCache = tokenCache.enabled()
                ? Optional.of(new VerifiedTokenCache(tokenCache.maximumSize(), time, this::currentPolicy))
                : Optional.empty();
        this.maxTokenBytes = maxTokenBytes;
        this.dpopPolicy = dpop;
        this.dpop = new DpopProofVerifier(dpop, time);
        this.introspectionSettings = introspection;
        java.net.http.HttpClient client = HttpFetcher.client(connection, settings.connectTimeout());
        this.introspector = introspection.map(i -> new Introspector(i, client, time));
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, 2 * policies.size() + 2, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "hardening-jwks-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        HttpFetcher fetcher = null;
        for (IssuerPolicy p : policies) {
            KeyProvider provider;
            if (p.keySource() == IssuerPolicy.KeySource.STATIC) {
                provider = new StaticKeys(p.issuer(), p.staticJwks().orElseThrow(), settings.maxKeys(),
                        settings.maxKidlessCandidates(), time);
            } else {
                if (fetcher == null) {
                    fetcher = new HttpFetcher(client, settings.readTimeout(), settings.maxResponseBytes());
                }
                provider = JwksStack.remote(p, settings, time, executor, fetcher, listeners);
            }
            issuers.put(p.issuer(), new Issuer(p, provider));
        }
    }

    @Override
    public VerifiedToken verify(CharSequence token) {
        return verify(TokenRequest.bearer(token));
    }

    @Override
    public VerifiedToken verify(TokenRequest request) {
        Objects.requireNonNull(request, "request");
        CharSequence token = request.token();
        VerifiedToken verified = introspector.isPresent() && !jwtShaped(token)
                ? introspectOpaque(token) : verifyJwt(token);
        Optional<String> jkt = boundKey(verified.claims());
        if (request.scheme() == TokenRequest.Scheme.BEARER) {
            if (jkt.isPresent()) {
                throw reject(RejectionReason.DPOP_BOUND_TOKEN, "the token is bound to a key (cnf.jkt): present it "
                        + "with the DPoP scheme and a proof");
            }
            return verified;
        }
        if (jkt.isEmpty()) {
            throw reject(RejectionReason.DPOP_NOT_BOUND, "the DPoP scheme needs a token bound to a key (cnf.jkt)");
        }
        dpop.verify(request, token, jkt.get());
        return verified;
    }

    /**
     * A JWT through the verified-token cache when it is on: a hit skips parsing and the signature
     * (the cache re-checks time, policy and key); a miss verifies in full and admits the token only
     * when every check passed. Scheme and DPoP proof checks stay with the caller, on every request.
     */
    private VerifiedToken verifyJwt(CharSequence token) {
        if (tokenCache.isEmpty()) {
            return doVerify(token, Optional.empty()).token();
        }
        VerifiedTokenCache cache = tokenCache.get();
        VerifiedTokenCache.Digest digest = VerifiedTokenCache.digest(token, maxTokenBytes);
        if (digest == null) {
            return doVerify(token, Optional.empty()).token();
        }
        VerifiedToken hit = cache.lookup(digest);
        if (hit != null) {
            return hit;
        }
        Verified v = doVerify(token, Optional.empty());
        cache.admit(digest, v.token(), v.issuer().policy(), v.issuer().keys(), v.key());
        return v.token();
    }

    /** @return the policy applied now to an issuer, or null when it is not trusted */
    private IssuerPolicy currentPolicy(String iss) {
        Issuer i = issuers.get(iss);
        return i == null ? null : i.policy();
    }

    /**
     * @return the verified-token cache's counters, or empty when the cache is off (for this
     *         module's tests and diagnostics; not an API)
     */
    public Optional<TokenCacheStats> tokenCacheStats() {
        return tokenCache.map(VerifiedTokenCache::stats);
    }

    @Override
    public Optional<dev.hardening.auth.TokenCache.Stats> cacheStats() {
        return tokenCacheStats().map(s -> new dev.hardening.auth.TokenCache.Stats(s.hits(), s.misses(), s.admitted(),
                s.droppedTime(), s.droppedKeyGone(), s.droppedPolicyChanged(), s.size()));
    }

    private VerifiedToken introspectOpaque(CharSequence token) {
        if (token.length() == 0) {
            throw reject(RejectionReason.MISSING, "no token");
        }
        if (token.length() > maxTokenBytes) {
            throw reject(RejectionReason.TOO_LARGE, "token of " + token.length() + " characters exceeds " + maxTokenBytes);
        }
        return introspector.get().verify(token);
    }

    /** Three non-empty... segments of base64url characters: what SAMPLE.md calls JWT-shaped. */
    static boolean jwtShaped(CharSequence token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    /** @return {@code cnf.jkt}, when the token is bound to a key */
    private static Optional<String> boundKey(Map<String, Object> claims) {
        Object cnf = claims.get("cnf");
        if (cnf == null) {
            return Optional.empty();
        }
        if (!(cnf instanceof Map)) {
            throw reject(RejectionReason.MALFORMED, "cnf is not an object");
        }
        Object jkt = ((Map<?, ?>) cnf).get("jkt");
        if (jkt == null) {
            return Optional.empty();
        }
        if (!(jkt instanceof String) || ((String) jkt).isEmpty()) {
            throw reject(RejectionReason.MALFORMED, "cnf.jkt is not a string");
        }
        return Optional.of((String) jkt);
    }

    @Override
    public DpopPolicy dpop() {
        return dpopPolicy;
    }

    @Override
    public VerifiedToken verifyIdToken(CharSequence token, String expectedNonce) {
        if (expectedNonce == null || expectedNonce.isEmpty()) {
            throw new IllegalArgumentException("expectedNonce: empty (expected: the nonce sent in the request)");
        }
        return doVerify(token, Optional.of(expectedNonce)).token();
    }

    private static InvalidTokenException reject(RejectionReason reason, String message) {
        return new InvalidTokenException(reason, message);
    }

    private Verified doVerify(CharSequence token, Optional<String> nonce) {
        CompactJws jws = CompactJws.parse(token, maxTokenBytes);
        Map<String, Object> rawClaims = CompactJws.json(jws.payload(), "payload");
        RegisteredClaims claims = RegisteredClaims.of(rawClaims);
        String iss = claims.issuer();
        if (iss == null) {
            throw reject(RejectionReason.MISSING_CLAIM, "iss is required");
        }
        Issuer issuer = issuers.get(iss);
        if (issuer == null) {
            throw reject(RejectionReason.WRONG_ISSUER, "iss is not a trusted issuer");
        }
        IssuerPolicy policy = issuer.policy();
        jws.requireAlgorithmIn(policy.algorithms());
        checkType(policy.profile(), jws.typ(), rawClaims);
        if (nonce.isPresent() && policy.profile() != TokenProfile.ID_TOKEN) {
            throw reject(RejectionReason.WRONG_TOKEN_TYPE, "the issuer is not configured for ID tokens");
        }
        VerificationKey key = jws.verifySignature(issuer.keys());
        return new Verified(checkClaims(policy, claims, rawClaims, jws.alg(), jws.kid(), jws.typ(), nonce), issuer, key);
    }

    private static String normalizedTyp(String typ) {
        String t = typ.toLowerCase(Locale.ROOT);
        return t.startsWith("application/") ? t.substring("application/".length()) : t;
    }

    private static void checkType(TokenProfile profile, String typ, Map<String, Object> claims) {
        String t = typ == null ? null : normalizedTyp(typ);
        switch (profile) {
            case ACCESS_TOKEN:
                if (t != null && !t.equals("jwt") && !t.equals("at+jwt")) {
                    throw reject(RejectionReason.WRONG_TOKEN_TYPE, "typ is not JWT or at+jwt");
                }
                rejectIdTokenClaims(claims);
                break;
            case RFC9068_ACCESS_TOKEN:
                if (!"at+jwt".equals(t)) {
                    throw reject(RejectionReason.WRONG_TOKEN_TYPE, "typ must be at+jwt");
                }
                rejectIdTokenClaims(claims);
                break;
            case ID_TOKEN:
                if (t != null && !t.equals("jwt")) {
                    throw reject(RejectionReason.WRONG_TOKEN_TYPE, "typ of an ID token must be absent or JWT");
                }
                break;
            default:
                throw new IllegalStateException("profile " + profile);
        }
    }

    private static void rejectIdTokenClaims(Map<String, Object> claims) {
        for (String c : ID_TOKEN_ONLY_CLAIMS) {
            if (claims.containsKey(c)) {
                throw reject(RejectionReason.WRONG_TOKEN_TYPE, "an ID token (claim " + c + ") is not an access token");
            }
        }
    }

    private VerifiedToken checkClaims(IssuerPolicy policy, RegisteredClaims claims, Map<String, Object> raw,
                                      JwsAlgorithm alg, String kid, String typ, Optional<String> nonce) {
        Instant now = time.now();
        Duration skew = policy.clockSkew();
        Instant exp = claims.expiresAt();
        Instant iat = claims.issuedAt();
        Instant nbf = claims.notBefore();
        if (exp == null) {
            throw reject(RejectionReason.MISSING_CLAIM, "exp is required");
        }
        if (iat == null) {
            throw reject(RejectionReason.MISSING_CLAIM, "iat is required");
        }
        if (!now.minus(skew).isBefore(exp)) {
            throw reject(RejectionReason.EXPIRED, "token expired at " + exp + " (now " + now + ", skew " + skew + ")");
        }
        if (iat.isAfter(now.plus(skew))) {
            throw reject(RejectionReason.ISSUED_IN_FUTURE, "iat " + iat + " is after now " + now + " + skew " + skew);
        }
        if (nbf != null && nbf.isAfter(now.plus(skew))) {
            throw reject(RejectionReason.NOT_YET_VALID, "not valid before " + nbf + " (now " + now + ", skew " + skew + ")");
        }
        if (exp.isBefore(iat)) {
            throw reject(RejectionReason.INVALID_CLAIM, "exp is before iat");
        }
        if (Duration.between(iat, exp).compareTo(policy.maxLifetime()) > 0) {
            throw reject(RejectionReason.LIFETIME_TOO_LONG, "exp - iat exceeds " + policy.maxLifetime());
        }
        List<String> aud = claims.audiences();
        if (aud == null || aud.isEmpty()) {
            throw reject(RejectionReason.MISSING_CLAIM, "aud is required");
        }
        boolean audOk = false;
        for (String a : aud) {
            audOk |= a != null && policy.audiences().contains(a);
        }
        if (!audOk) {
            throw reject(RejectionReason.WRONG_AUDIENCE, "no aud value is an accepted audience");
        }
        String sub = claims.subject();
        if (sub == null || sub.isEmpty()) {
            throw reject(RejectionReason.MISSING_CLAIM, "sub is required");
        }
        if (policy.profile() == TokenProfile.RFC9068_ACCESS_TOKEN) {
            if (!(raw.get("client_id") instanceof String)) {
                throw reject(RejectionReason.MISSING_CLAIM, "client_id is required");
            }
            if (!(raw.get("jti") instanceof String)) {
                throw reject(RejectionReason.MISSING_CLAIM, "jti is required");
            }
        }
        if (policy.profile() == TokenProfile.ID_TOKEN) {
            String clientId = policy.clientId().orElseThrow();
            Object azp = raw.get("azp");
            if (aud.size() > 1 && azp == null) {
                throw reject(RejectionReason.WRONG_AUTHORIZED_PARTY, "azp is required with several audiences");
            }
            if (azp != null && !clientId.equals(azp)) {
                throw reject(RejectionReason.WRONG_AUTHORIZED_PARTY, "azp is not this client");
            }
            if (nonce.isPresent()) {
                Object got = raw.get("nonce");
                if (!(got instanceof String) || !MessageDigest.isEqual(((String) got).getBytes(StandardCharsets.UTF_8),
                        nonce.get().getBytes(StandardCharsets.UTF_8))) {
                    throw reject(RejectionReason.NONCE_MISMATCH, "nonce does not match");
                }
            }
        }
        return VerifiedToken.builder()
                .subject(sub)
                .issuer(policy.issuer())
                .audiences(aud)
                .expiresAt(exp)
                .issuedAt(iat)
                .notBefore(nbf)
                .algorithm(alg.name())
                .keyId(kid)
                .type(typ)
                .profile(policy.profile())
                .claims(raw)
                .build();
    }

    @Override
    public List<JwksStatus> status() {
        List<JwksStatus> out = new ArrayList<>();
        for (Issuer i : issuers.values()) {
            out.add(i.keys().status());
        }
        return out;
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Issuer i : issuers.values()) {
            all.add(i.keys().warmUp());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        List<Finding> out = new ArrayList<>();
        String rule = "Auth: verified tokens";
        for (Issuer i : issuers.values()) {
            IssuerPolicy p = i.policy();
            if (p.keySource() == IssuerPolicy.KeySource.STATIC) {
                Finding f = new Finding("HA-A001", environment.policyViolation(), rule, p.issuer(),
                        "issuer trusts a fixed, built-in key set (development issuer)",
                        "use OIDC_ISSUER with the real identity provider in production");
                out.add(f);
            } else if (p.usesPlainHttp()) {
                // Stable id: operators silence HA-A002 by this id (with a reason and an expiry).
                out.add(new Finding(PLAIN_HTTP_FINDING, environment.policyViolation(), rule, p.issuer(),
                        "signing keys are fetched over plain http (" + p.plainHttpUrl().orElse("") + "): over an "
                                + "unauthenticated channel anyone on the network path can replace the keys and "
                                + "forge tokens this service accepts",
                        "use an https issuer / JWKS URL; or accept the risk with a silence of " + PLAIN_HTTP_FINDING));
            } else {
                out.add(Finding.pass("HA-A003", rule, p.issuer(), "signature verified against the issuer's JWKS over https; "
                        + "algorithms " + p.algorithms() + "; audience " + p.audiences() + "; profile " + p.profile(), ""));
            }
        }
        introspectionSettings.ifPresent(i -> {
            if (i.usesPlainHttp()) {
                out.add(new Finding(PLAIN_HTTP_FINDING, environment.policyViolation(), rule, i.issuer(),
                        "opaque tokens are introspected over plain http (" + i.endpoint() + "): the client secret "
                                + "and the tokens cross the network unprotected and anyone on the path can answer "
                                + "active: true", "use an https introspection endpoint; or accept the risk with a silence of "
                                + PLAIN_HTTP_FINDING));
            } else {
                out.add(Finding.pass("HA-A004", rule, i.issuer(), "opaque tokens introspected at " + i.endpoint()
                        + " (answers cached at most " + i.cacheTtl().toSeconds() + " s); audience " + i.audiences(), ""));
            }
        });
        if (tokenCacheSettings.enabled()) {
            out.add(Finding.pass(TOKEN_CACHE_FINDING, rule, "verified-token cache", "on: up to "
                    + tokenCacheSettings.maximumSize() + " verified tokens remembered by the SHA-256 digest of the "
                    + "token (never the token); exp/nbf/iat re-checked on every hit; an entry dies when its key leaves "
                    + "the issuer's key set or the issuer's policy changes; DPoP proofs checked on every request", ""));
        } else {
            out.add(Finding.pass(TOKEN_CACHE_FINDING, rule, "verified-token cache", "off: every presentation of a "
                    + "token is verified in full (signature included)", ""));
        }
        return out;
    }
}
