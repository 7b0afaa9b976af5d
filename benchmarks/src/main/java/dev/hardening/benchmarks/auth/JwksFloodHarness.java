package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Counts JWKS fetches under a flood of 2,000 tokens with random unknown {@code kid}s (signed by a
 * key the provider does not publish), after one valid token has warmed the cache: ours vs Nimbus
 * {@code JWKSourceBuilder} defaults vs Nimbus with {@code rateLimited(false)} (what Spring
 * Security's {@code NimbusJwtDecoder} builds). The JWKS endpoint is a JDK {@code HttpServer} on a
 * loopback port that counts requests. A measured count, not a JMH benchmark:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.hardening.benchmarks.auth.JwksFloodHarness}.
 */
public final class JwksFloodHarness {

    private static final int FLOOD = 2000;

    private JwksFloodHarness() {
    }

    /** A JWKS endpoint that counts its requests. */
    private static final class Provider implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger fetches = new AtomicInteger();

        Provider(String jwks) throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks", exchange -> {
                fetches.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private record Row(String name, int fetches, int rejected, long millis) {
    }

    private static Row flood(String name, Provider provider, Predicate<String> accepts, String valid, List<String> forged) {
        if (!accepts.test(valid)) {
            throw new IllegalStateException(name + ": the valid token was rejected");
        }
        int rejected = 0;
        long start = System.nanoTime();
        for (String t : forged) {
            rejected += accepts.test(t) ? 0 : 1;
        }
        return new Row(name, provider.fetches.get(), rejected, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * @param args none
     * @throws Exception on setup failure
     */
    public static void main(String[] args) throws Exception {
        RSAKey published = AuthFixtures.rsaKey("k1");
        RSAKey attacker = AuthFixtures.rsaKey("x");
        String jwks = AuthFixtures.jwks(published);
        String valid = AuthFixtures.token(published);
        List<String> forged = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            forged.add(AuthFixtures.token(attacker, UUID.randomUUID().toString(), new JWTClaimsSet.Builder()));
        }
        List<Row> rows = new ArrayList<>();

        try (Provider p = new Provider(jwks);
             TokenVerifier ours = TokenVerifier.builder()
                     .issuer(IssuerPolicy.jwksUri(AuthFixtures.ISSUER, URI.create(p.url())).audience(AuthFixtures.AUDIENCE).build())
                     .build()) {
            rows.add(flood("hardening-auth TokenVerifier (defaults)", p, t -> {
                try {
                    ours.verify(t);
                    return true;
                } catch (TokenRejectedException e) {
                    return false;
                }
            }, valid, forged));
        }
        for (boolean rateLimited : new boolean[] {true, false}) {
            try (Provider p = new Provider(jwks)) {
                JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(new URL(p.url()))
                        .rateLimited(rateLimited).build();
                DefaultJWTProcessor<SecurityContext> nimbus = new DefaultJWTProcessor<>();
                nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, source));
                rows.add(flood(rateLimited ? "Nimbus JWKSourceBuilder defaults" : "Nimbus JWKSourceBuilder, rateLimited(false) (Spring's setting)",
                        p, t -> {
                            try {
                                nimbus.process(t, null);
                                return true;
                            } catch (Exception e) {
                                return false;
                            }
                        }, valid, forged));
            }
        }
        System.out.println("| verifier | JWKS fetches (1 warm-up + " + FLOOD + " unknown kids) | forged tokens rejected | flood time |");
        System.out.println("|---|---|---|---|");
        for (Row r : rows) {
            System.out.println("| " + r.name() + " | " + r.fetches() + " | " + r.rejected() + " / " + FLOOD + " | " + r.millis() + " ms |");
        }
    }
}
