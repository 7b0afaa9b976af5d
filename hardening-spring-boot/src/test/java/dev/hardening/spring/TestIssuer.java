package dev.hardening.spring;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** An identity provider's signing key for tests: mints RS256 access tokens and publishes its JWKS. */
final class TestIssuer {
    final String issuer;
    private final RSAKey key;

    TestIssuer(String issuer, String kid) {
        this.issuer = issuer;
        try {
            this.key = new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /**
     * @param subject  the subject
     * @param audience the audience
     * @param jkt      the RFC 7638 thumbprint of the DPoP key the token is bound to ({@code cnf.jkt})
     * @return a DPoP-bound access token
     */
    String boundToken(String subject, String audience, String jkt) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .audience(List.of(audience)).issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300))).claim("cnf", java.util.Map.of("jkt", jkt)).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param subject  the subject
     * @param audience the audience
     * @return an RFC 9068 access token ({@code typ: at+jwt}, {@code client_id}, {@code jti})
     */
    String rfc9068Token(String subject, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(List.of(audience))
                .issueTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(java.util.UUID.randomUUID().toString()).claim("client_id", "app-1").build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(new JOSEObjectType("at+jwt")).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String token(String subject, String audience, String scope, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .audience(List.of(audience)).issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(ttl)));
        if (scope != null) {
            claims.claim("scope", scope);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
