package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;

/** Keys and tokens shared by the hardening-auth benchmarks (generated per JVM). */
final class AuthFixtures {

    static final String ISSUER = "https://issuer.bench";
    static final String AUDIENCE = "orders-api";

    private AuthFixtures() {
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWK set JSON with the public half of each key. */
    static String jwks(JWK... keys) {
        StringBuilder b = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ",").append(keys[i].toPublicJWK().toJSONString());
        }
        return b.append("]}").toString();
    }

    /** An access token valid for an hour from now, with every claim both verifiers check. */
    static String token(JWK key, String kid, JWTClaimsSet.Builder extra) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = extra.issuer(ISSUER).subject("alice").audience(AUDIENCE)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                    .claim("scope", "orders:read profile").build();
            JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
            JWSSigner signer = key instanceof RSAKey ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(JWK key) {
        return token(key, key.getKeyID(), new JWTClaimsSet.Builder());
    }
}
