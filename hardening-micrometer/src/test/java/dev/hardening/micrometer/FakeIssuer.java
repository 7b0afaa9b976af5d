package dev.hardening.micrometer;

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
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

/** An identity provider for tests: one RSA key, its JWK set served over loopback HTTP, tokens minted on demand. */
final class FakeIssuer implements AutoCloseable {

    static final String AUDIENCE = "api";

    final RSAKey key;
    final RSAKey otherKey;
    final HttpServer server;
    final String issuer;
    final AtomicInteger jwksRequests = new AtomicInteger();

    private FakeIssuer() throws JOSEException, IOException {
        key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("k1").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks", ex -> {
            jwksRequests.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        server.start();
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static FakeIssuer start() throws Exception {
        return new FakeIssuer();
    }

    /**
     * Fetch settings for tests on a busy machine: generous timeouts, so that a slow first fetch
     * (the JDK HTTP client starting) is not taken for an outage.
     */
    static dev.hardening.auth.JwksSettings patientJwks() {
        return dev.hardening.auth.JwksSettings.builder()
                .connectTimeout(java.time.Duration.ofSeconds(10))
                .readTimeout(java.time.Duration.ofSeconds(10))
                .maxWait(java.time.Duration.ofSeconds(10))
                .build();
    }

    URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    String publicJwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    /** A token of this issuer for {@link #AUDIENCE}, valid from {@code now} for ten minutes. */
    String mint(String subject, Instant now) {
        return mint(key, "k1", issuer, subject, AUDIENCE, now, now.plusSeconds(600));
    }

    String mint(RSAKey signer, String kid, String iss, String subject, String audience, Instant iat, Instant exp) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(iss).subject(subject).audience(audience)
                        .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build());
        try {
            jwt.sign(new RSASSASigner(signer));
        } catch (JOSEException e) {
            throw new UncheckedIOException(new IOException(e));
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
