package dev.hardening.spring;

import dev.hardening.spring.internal.DpopProven;
import dev.hardening.spring.internal.RequestVerification;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/**
 * A Spring Security {@link JwtDecoder} backed by a hardening {@link TokenVerifier}: every check of
 * the verifier (exact issuer, audience, algorithm allow-list, token type, key policy, one JWKS
 * fetch per refresh window however many unknown {@code kid}s arrive) applies to
 * {@code oauth2ResourceServer(o -> o.jwt(...))} unchanged.
 *
 * <ul>
 *   <li>an invalid token → {@link BadJwtException} whose message is the stable reason code
 *       ({@code expired}, {@code wrong_audience}, …): Spring answers 401 with
 *       {@code WWW-Authenticate: Bearer error="invalid_token", error_description="<code>"};</li>
 *   <li>keys unavailable, or an opaque token's introspection unavailable →
 *       {@link KeysUnavailableJwtException}: 503, never 401.</li>
 * </ul>
 * Opaque tokens are introspected (RFC 7662) when the verifier has introspection configured. A
 * DPoP-bound token ({@code cnf.jkt}) is accepted here only when the starter's DPoP filter has
 * already verified it with its proof on the same request (it then presents the request to Spring
 * Security as a Bearer one, and the {@code Jwt} carries no {@code cnf} claim, which Spring
 * Security's Bearer filter would refuse); on its own it is rejected with {@code dpop_bound_token}.
 * Claims are converted as Spring's own decoder converts them ({@code exp}/{@code iat}/{@code nbf}
 * to {@code Instant}, {@code aud} to a list), so Spring's default authority mapping turns
 * {@code scope}/{@code scp} into {@code SCOPE_…} authorities.
 *
 * <p>One verification per request: when the starter's rate limit filter, which runs before Spring
 * Security and keys each request by its verified subject, has already asked this decoder for a
 * token during the same request, the decoder answers Spring Security from that outcome (the same
 * {@code Jwt}, or the same rejection) instead of verifying the token a second time. Any other
 * call verifies.
 *
 * <p>Thread-safe (the verifier is).
 */
public final class HardeningJwtDecoder implements JwtDecoder {

    private static final MappedJwtClaimSetConverter CLAIMS = MappedJwtClaimSetConverter.withDefaults(Collections.emptyMap());

    private final TokenVerifier verifier;

    private HardeningJwtDecoder(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @param verifier the verifier to decode with
     * @return the decoder
     * @throws NullPointerException if {@code verifier} is null
     */
    public static HardeningJwtDecoder of(TokenVerifier verifier) {
        return new HardeningJwtDecoder(Checks.notNull(verifier, "verifier"));
    }

    /**
     * Verifies the token and converts it.
     *
     * @param token the compact token
     * @return the verified token as Spring's {@link Jwt}
     * @throws BadJwtException              if the token is not valid (message: the reason code)
     * @throws KeysUnavailableJwtException if the issuer's keys or its introspection endpoint are unavailable
     */
    @Override
    public Jwt decode(String token) throws JwtException {
        if (token == null) {
            throw new BadJwtException("missing");
        }
        java.util.Optional<RequestVerification.Outcome> recorded = RequestVerification.recorded(this, token);
        if (recorded.isPresent()) {
            // verified earlier in this request (the rate limit filter asked first): not verified again
            if (recorded.get().rejected().isPresent()) {
                throw rejection(recorded.get().rejected().get());
            }
            VerifiedToken verified = recorded.get().verified().orElseThrow();
            return toJwt(token, verified, DpopProven.verifiedOnThisThread(token).isPresent());
        }
        java.util.Optional<VerifiedToken> proven = DpopProven.verifiedOnThisThread(token);
        if (proven.isPresent()) {
            RequestVerification.record(this, token, proven.get());
            // Spring Security 7's Bearer filter refuses any Authentication whose claims carry cnf.jkt:
            // the proof was checked by the starter's DPoP filter, so the binding is not handed on.
            return toJwt(token, proven.get(), true);
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (TokenRejectedException e) {
            RequestVerification.record(this, token, e);
            throw rejection(e);
        }
        RequestVerification.record(this, token, verified);
        return toJwt(token, verified);
    }

    private static JwtException rejection(TokenRejectedException e) {
        if (e.reason().status() == 503) {
            return new KeysUnavailableJwtException(e);
        }
        return new BadJwtException(e.reason().code(), e);
    }

    static Jwt toJwt(String token, VerifiedToken verified) {
        return toJwt(token, verified, false);
    }

    static Jwt toJwt(String token, VerifiedToken verified, boolean withoutBinding) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("alg", verified.algorithm());
        verified.keyId().ifPresent(kid -> headers.put("kid", kid));
        verified.type().ifPresent(typ -> headers.put("typ", typ));
        Map<String, Object> claims = new LinkedHashMap<>(CLAIMS.convert(verified.claims()));
        if (withoutBinding) {
            claims.remove("cnf");
        }
        return Jwt.withTokenValue(token)
                .headers(h -> h.putAll(headers))
                .claims(c -> c.putAll(claims))
                .build();
    }
}
