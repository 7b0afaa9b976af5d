package dev.hardening.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hardening.auth.IntrospectionUnavailableException;
import dev.hardening.auth.Introspection;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenProfile;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.TimeSource;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * RFC 7662 introspection of opaque tokens with a bounded cache keyed by the token's SHA-256.
 * Thread-safe; concurrent requests for the same token share one call to the endpoint.
 */
final class Introspector {

    /** "introspection": the {@link VerifiedToken#algorithm()} of an introspected token. */
    static final String ALGORITHM = "introspection";

    /** A cached answer: the token, or the rejection (inactive, wrong audience...); and when the entry must go. */
    private record Answer(VerifiedToken token, InvalidTokenException rejection, Instant until) {
    }

    private final Introspection settings;
    private final HttpFetcher http;
    private final TimeSource time;
    private final String authorization;
    private final Cache<String, Answer> cache;

    Introspector(Introspection settings, HttpClient client, TimeSource time) {
        this.settings = settings;
        this.http = new HttpFetcher(client, settings.timeout(), settings.maxResponseBytes());
        this.time = time;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (form(settings.clientId()) + ":" + form(settings.clientSecret().reveal())).getBytes(StandardCharsets.UTF_8));
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .ticker(time::nanoTime)
                .expireAfter(new Expiry<String, Answer>() {
                    @Override
                    public long expireAfterCreate(String key, Answer value, long currentTime) {
                        long left = Duration.between(time.now(), value.until()).toNanos();
                        return Math.max(0, Math.min(left, settings.cacheTtl().toNanos()));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Answer value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(String key, Answer value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** RFC 6749 §2.3.1: client credentials are form-encoded before Basic encoding. */
    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String sha256(CharSequence token) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] h = d.digest(token.toString().getBytes(StandardCharsets.UTF_8));
            return Base64Url.encode(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /**
     * @param token the opaque token
     * @return the verified token
     * @throws InvalidTokenException             inactive, expired, wrong audience or issuer, no subject
     * @throws IntrospectionUnavailableException the endpoint did not answer usefully and nothing is cached
     */
    VerifiedToken verify(CharSequence token) {
        Answer a = cache.get(sha256(token), k -> ask(token));
        if (a.token() == null) {
            throw a.rejection();
        }
        if (!time.now().isBefore(a.token().expiresAt())) {
            throw new InvalidTokenException(RejectionReason.EXPIRED, "introspection: the token expired at "
                    + a.token().expiresAt());
        }
        return a.token();
    }

    /** How many answers are cached (for tests and metrics). */
    long cached() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private Answer ask(CharSequence token) {
        HttpFetcher.Response r;
        try {
            r = http.postForm(settings.endpoint(), "token=" + form(token.toString()) + "&token_type_hint=access_token",
                    authorization);
        } catch (FetchException e) {
            throw new IntrospectionUnavailableException("introspection endpoint " + settings.endpoint() + ": "
                    + e.getMessage(), null);
        }
        Map<String, Object> doc;
        try {
            doc = TokenJson.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
        } catch (TokenJson.MalformedJsonException e) {
            throw new IntrospectionUnavailableException("introspection endpoint " + settings.endpoint()
                    + " answered a document that is not a JSON object", null);
        }
        Object active = doc.get("active");
        if (!(active instanceof Boolean)) {
            throw new IntrospectionUnavailableException("introspection endpoint " + settings.endpoint()
                    + " answered without a boolean \"active\"", null);
        }
        Instant now = time.now();
        if (!((Boolean) active)) {
            return new Answer(null, new InvalidTokenException(RejectionReason.INACTIVE,
                    "introspection: the token is not active"), now.plus(settings.cacheTtl()));
        }
        try {
            return accept(doc, now);
        } catch (InvalidTokenException e) {
            return new Answer(null, e, now.plus(settings.cacheTtl()));
        }
    }

    private Answer accept(Map<String, Object> doc, Instant now) {
        RegisteredClaims claims;
        try {
            claims = RegisteredClaims.of(doc);
        } catch (InvalidTokenException e) {
            throw new IntrospectionUnavailableException("introspection endpoint " + settings.endpoint()
                    + " answered a claim of the wrong type", null);
        }
        if (claims.issuer() != null && !claims.issuer().equals(settings.issuer())) {
            throw new InvalidTokenException(RejectionReason.WRONG_ISSUER, "introspection: iss is not the configured issuer");
        }
        List<String> aud = claims.audiences();
        if (aud == null || aud.isEmpty()) {
            throw new InvalidTokenException(RejectionReason.MISSING_CLAIM, "introspection: aud is required");
        }
        if (aud.stream().noneMatch(settings.audiences()::contains)) {
            throw new InvalidTokenException(RejectionReason.WRONG_AUDIENCE, "introspection: no aud value is an accepted audience");
        }
        String sub = claims.subject();
        if (sub == null || sub.isEmpty()) {
            Object clientId = doc.get("client_id");
            if (!(clientId instanceof String) || ((String) clientId).isEmpty()) {
                throw new InvalidTokenException(RejectionReason.MISSING_CLAIM, "introspection: sub or client_id is required");
            }
            sub = (String) clientId;
        }
        if (claims.notBefore() != null && claims.notBefore().isAfter(now)) {
            throw new InvalidTokenException(RejectionReason.NOT_YET_VALID, "introspection: not valid before " + claims.notBefore());
        }
        Instant exp = claims.expiresAt() == null ? now.plus(settings.cacheTtl()) : claims.expiresAt();
        VerifiedToken t = VerifiedToken.builder()
                .subject(sub)
                .issuer(settings.issuer())
                .audiences(aud)
                .expiresAt(exp)
                .issuedAt(claims.issuedAt() == null ? now : claims.issuedAt())
                .notBefore(claims.notBefore())
                .algorithm(ALGORITHM)
                .keyId(null)
                .type(null)
                .profile(TokenProfile.ACCESS_TOKEN)
                .claims(doc)
                .build();
        return new Answer(t, null, exp);
    }
}
