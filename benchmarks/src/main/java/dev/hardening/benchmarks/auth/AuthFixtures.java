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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
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

    /** An Ed25519 key pair from the JDK's own provider (Nimbus signs EdDSA only through Tink). */
    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK ({@code kty: OKP}, {@code crv: Ed25519}) of a JDK Ed25519 key pair. */
    static String ed25519Jwk(KeyPair pair, String kid) {
        byte[] spki = pair.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" + kid + "\",\"x\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(x) + "\"}";
    }

    /** An EdDSA access token with the same claims as {@link #token(JWK)}, signed with the JDK. */
    static String eddsaToken(KeyPair pair, String kid) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience(AUDIENCE)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                    .claim("scope", "orders:read profile").build();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String input = b64.encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8))
                    + "." + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
