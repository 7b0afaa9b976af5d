package dev.hardening.auth.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.config.DevSecretStore;
import dev.hardening.config.TimeSource;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A built-in token issuer for local development only: its RSA key is generated once and kept in a
 * {@link DevSecretStore} (owner-only file), so tokens minted before a restart still verify after
 * it. {@link #policy()} makes a {@link dev.hardening.auth.TokenVerifier} trust it through a static
 * JWK set; no HTTP is involved. The store refuses production, so this class cannot run there.
 *
 * <pre>{@code
 * DevIssuer dev = DevIssuer.create(DevSecretStore.forEnvironment(env, DevSecretStore.DEFAULT_DIRECTORY), "orders-api", TimeSource.system());
 * TokenVerifier verifier = TokenVerifier.builder().issuer(dev.policy().build()).build();
 * String token = dev.mint("alice", DevIssuer.DEFAULT_TTL);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DevIssuer {

    /** The {@code iss} of dev tokens. */
    public static final String ISSUER = "urn:hardening:dev-issuer";
    /** 1 hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The name of the stored key in the {@link DevSecretStore}. */
    public static final String KEY_NAME = "dev-issuer-rs256.jwk";

    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private final RSAKey key;
    private final String audience;
    private final TimeSource time;

    private DevIssuer(RSAKey key, String audience, TimeSource time) {
        this.key = key;
        this.audience = audience;
        this.time = time;
    }

    /**
     * Loads the dev issuer's key from the store, generating it on first use.
     *
     * @param store    the dev secret store (which itself refuses production)
     * @param audience the audience tokens are minted for (the service's {@code OIDC_AUDIENCE})
     * @param time     the time source for {@code iat}/{@code exp}, usually {@link TimeSource#system()}
     * @return the issuer
     * @throws IllegalStateException if the stored key cannot be read
     * @throws NullPointerException  if an argument is null
     */
    public static DevIssuer create(DevSecretStore store, String audience, TimeSource time) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(time, "time");
        String json = store.getOrCreate(KEY_NAME, () -> {
            try {
                return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyID("dev-" + UUID.randomUUID()).generate().toJSONString();
            } catch (JOSEException e) {
                throw new IllegalStateException("dev issuer: cannot generate an RSA key", e);
            }
        });
        try {
            return new DevIssuer(RSAKey.parse(json), audience, time);
        } catch (ParseException e) {
            throw new IllegalStateException("dev issuer: stored key " + KEY_NAME + " is not a valid RSA JWK; delete it to regenerate", e);
        }
    }

    /** @return the public JWK set ({@code {"keys":[...]}}) */
    public String jwksJson() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    /** @return an issuer policy trusting this issuer's public key for the audience; add settings and build */
    public IssuerPolicy.Builder policy() {
        return IssuerPolicy.staticKeys(ISSUER, jwksJson()).audience(audience).algorithms("RS256");
    }

    /**
     * Mints an RFC 9068 access token ({@code typ: at+jwt}).
     *
     * @param subject the {@code sub}: 1–64 of letters, digits and {@code . _ @ + -}
     * @param ttl     lifetime, 1 s to 24 h
     * @return the compact token
     * @throws IllegalArgumentException for a bad subject or lifetime
     */
    public String mint(String subject, Duration ttl) {
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("sub: (expected: 1-64 of letters, digits and . _ @ + -)");
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: PT1S to PT24H)");
        }
        Instant now = time.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", "dev-token-endpoint")
                .claim("scope", "api")
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("dev issuer: signing failed", e);
        }
        return jwt.serialize();
    }
}
