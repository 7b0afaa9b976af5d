package dev.hardening.auth.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksListener;
import dev.hardening.auth.JwksSettings;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verifier behind {@link TokenVerifier#builder()}. Thread-safe: all state is immutable or in
 * the per-issuer {@link KeyProvider}s.
 */
public final class DefaultTokenVerifier implements TokenVerifier {

    private static final Set<String> UNTRUSTED_HEADERS = Set.of("jku", "x5u", "jwk", "x5c");
    private static final Set<String> ID_TOKEN_ONLY_CLAIMS = Set.of("nonce", "at_hash", "c_hash");

    private record Issuer(IssuerPolicy policy, KeyProvider keys) {
    }

    private final Map<String, Issuer> issuers = new LinkedHashMap<>();
    private final Clock clock;
    private final int maxTokenBytes;
    private final ThreadPoolExecutor executor;

    /**
     * @param policies      trusted issuers
     * @param clock         time source
     * @param maxTokenBytes size cap
     * @param settings      JWKS settings
     * @param listeners     event listeners
     */
    public DefaultTokenVerifier(List<IssuerPolicy> policies, Clock clock, int maxTokenBytes, JwksSettings settings,
                                List<JwksListener> listeners) {
        this.clock = clock;
        this.maxTokenBytes = maxTokenBytes;
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
                        settings.maxKidlessCandidates(), clock);
            } else {
                if (fetcher == null) {
                    fetcher = new HttpFetcher(settings.connectTimeout(), settings.readTimeout(), settings.maxResponseBytes());
                }
                provider = new RemoteJwks(p, settings, clock, executor, fetcher, listeners);
            }
            issuers.put(p.issuer(), new Issuer(p, provider));
        }
    }

    @Override
    public VerifiedToken verify(CharSequence token) {
        return doVerify(token, Optional.empty());
    }

    @Override
    public VerifiedToken verifyIdToken(CharSequence token, String expectedNonce) {
        if (expectedNonce == null || expectedNonce.isEmpty()) {
            throw new IllegalArgumentException("expectedNonce: empty (expected: the nonce sent in the request)");
        }
        return doVerify(token, Optional.of(expectedNonce));
    }

    private static InvalidTokenException reject(RejectionReason reason, String message) {
        return new InvalidTokenException(reason, message);
    }

    private VerifiedToken doVerify(CharSequence token, Optional<String> nonce) {
        if (token == null || token.length() == 0) {
            throw reject(RejectionReason.MISSING, "no token");
        }
        if (token.length() > maxTokenBytes) {
            throw reject(RejectionReason.TOO_LARGE, "token of " + token.length() + " characters exceeds " + maxTokenBytes);
        }
        if (token.charAt(0) == '{') {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "JSON serialization is not accepted (expected: compact JWS)");
        }
        int dot1 = -1;
        int dot2 = -1;
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                dots++;
                if (dots == 1) {
                    dot1 = i;
                } else if (dots == 2) {
                    dot2 = i;
                }
            }
        }
        if (dots == 4) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "JWE is not accepted (expected: compact JWS)");
        }
        if (dots != 2) {
            throw reject(RejectionReason.MALFORMED, "expected 3 dot-separated parts, found " + (dots + 1));
        }
        byte[] headerBytes = Base64Url.decodeStrict(token, 0, dot1);
        byte[] payloadBytes = Base64Url.decodeStrict(token, dot1 + 1, dot2);
        byte[] signature = Base64Url.decodeStrict(token, dot2 + 1, token.length());
        if (headerBytes == null || payloadBytes == null || signature == null) {
            throw reject(RejectionReason.MALFORMED, "a part is not canonical base64url");
        }
        if (signature.length == 0) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "empty signature (unsecured JWS is never accepted)");
        }
        Map<String, Object> header = json(headerBytes, "header");
        Object algValue = header.get("alg");
        if (!(algValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "header has no string alg");
        }
        Optional<JwsAlgorithm> algOpt = JwsAlgorithm.byName((String) algValue);
        if (algOpt.isEmpty()) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "alg is not an allowed asymmetric algorithm");
        }
        JwsAlgorithm alg = algOpt.get();
        for (String name : header.keySet()) {
            if (UNTRUSTED_HEADERS.contains(name)) {
                throw reject(RejectionReason.UNTRUSTED_HEADER, "header parameter " + name + " is never trusted");
            }
        }
        if (header.containsKey("crit")) {
            throw reject(RejectionReason.CRITICAL_HEADER, "crit header parameters are not supported");
        }
        if (header.containsKey("b64") || header.containsKey("enc") || header.containsKey("zip")) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "unencoded, encrypted or compressed payloads are not accepted");
        }
        Object cty = header.get("cty");
        if (cty != null && (!(cty instanceof String) || ((String) cty).equalsIgnoreCase("JWT")
                || ((String) cty).equalsIgnoreCase("application/jwt"))) {
            throw reject(RejectionReason.UNSUPPORTED_FORMAT, "nested tokens are not accepted");
        }
        Object kidValue = header.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "kid is not a string");
        }
        Object typValue = header.get("typ");
        if (typValue != null && !(typValue instanceof String)) {
            throw reject(RejectionReason.MALFORMED, "typ is not a string");
        }
        String kid = (String) kidValue;
        String typ = (String) typValue;

        Map<String, Object> rawClaims = json(payloadBytes, "payload");
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(rawClaims);
        } catch (ParseException | RuntimeException e) {
            throw reject(RejectionReason.MALFORMED, "a registered claim has the wrong type");
        }
        String iss = claims.getIssuer();
        if (iss == null) {
            throw reject(RejectionReason.MISSING_CLAIM, "iss is required");
        }
        Issuer issuer = issuers.get(iss);
        if (issuer == null) {
            throw reject(RejectionReason.WRONG_ISSUER, "iss is not a trusted issuer");
        }
        IssuerPolicy policy = issuer.policy();
        if (!policy.algorithms().contains(alg.name())) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "alg " + alg.name() + " is not allowed for this issuer");
        }
        checkType(policy.profile(), typ, rawClaims);
        if (nonce.isPresent() && policy.profile() != TokenProfile.ID_TOKEN) {
            throw reject(RejectionReason.WRONG_TOKEN_TYPE, "the issuer is not configured for ID tokens");
        }

        List<VerificationKey> candidates = issuer.keys().candidates(kid, alg);
        if (candidates.isEmpty()) {
            throw reject(RejectionReason.UNKNOWN_KEY, kid == null ? "no key of the issuer fits the algorithm"
                    : "the issuer publishes no usable key with this kid");
        }
        byte[] signingInput = token.subSequence(0, dot2).toString().getBytes(StandardCharsets.US_ASCII);
        boolean fits = false;
        boolean verified = false;
        for (VerificationKey k : candidates) {
            if (k.supports(alg)) {
                fits = true;
                if (k.verify(alg, signingInput, signature)) {
                    verified = true;
                    break;
                }
            }
        }
        if (!fits) {
            throw reject(RejectionReason.ALGORITHM_NOT_ALLOWED, "the key with this kid does not fit the algorithm");
        }
        if (!verified) {
            throw reject(RejectionReason.BAD_SIGNATURE, "signature does not verify");
        }
        return checkClaims(policy, claims, rawClaims, alg, kid, typ, nonce);
    }

    private static Map<String, Object> json(byte[] bytes, String part) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw reject(RejectionReason.MALFORMED, part + " is not UTF-8");
        }
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            throw reject(RejectionReason.MALFORMED, part + " is not a JSON object");
        }
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

    private VerifiedToken checkClaims(IssuerPolicy policy, JWTClaimsSet claims, Map<String, Object> raw,
                                      JwsAlgorithm alg, String kid, String typ, Optional<String> nonce) {
        Instant now = clock.instant();
        Duration skew = policy.clockSkew();
        Instant exp = instant(claims.getExpirationTime());
        Instant iat = instant(claims.getIssueTime());
        Instant nbf = instant(claims.getNotBeforeTime());
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
        List<String> aud = claims.getAudience();
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
        String sub = claims.getSubject();
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

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
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
                out.add(new Finding("HA-A002", environment.policyViolation(), rule, p.issuer(),
                        "keys are fetched over plain http (loopback)", "use an https issuer / JWKS URL"));
            } else {
                out.add(Finding.pass("HA-A003", rule, p.issuer(), "signature verified against the issuer's JWKS over https; "
                        + "algorithms " + p.algorithms() + "; audience " + p.audiences() + "; profile " + p.profile(), ""));
            }
        }
        return out;
    }
}
