package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.Introspection;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.Secret;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One verifier, same run: an RS256 Bearer token; the same kind of token bound to an ES256 client
 * key and presented with its DPoP proof (made by Nimbus' OAuth SDK), every proof check included
 * except the replay store, which is stubbed to "first seen" so one proof can be reused (the local
 * Caffeine store is measured separately by the ratelimit dedup benchmarks); and an opaque token
 * answered from the introspection cache (the endpoint, a loopback JDK server, is called once in
 * setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DpopBenchmark {

    private static final URI URL = URI.create("https://api.example.com/api/v1/me");
    private static final String OPAQUE = "2YotnFZFEjr1zCsicMWpAA";

    private TokenVerifier verifier;
    private HttpServer introspection;
    private String bearer;
    private TokenRequest dpop;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey issuerKey = AuthFixtures.rsaKey("rsa1");
        ECKey client = new ECKeyGenerator(Curve.P_256).generate();
        introspection = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        introspection.createContext("/introspect", ex -> {
            byte[] b = ("{\"active\":true,\"aud\":\"" + AuthFixtures.AUDIENCE + "\",\"sub\":\"alice\",\"exp\":"
                    + (System.currentTimeMillis() / 1000 + 3600) + "}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        introspection.start();
        verifier = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, AuthFixtures.jwks(issuerKey)).audience(AuthFixtures.AUDIENCE).build())
                .dpop(DpopPolicy.builder().proofWindow(Duration.ofMinutes(5)).replayCheck(id -> true).build())
                .introspection(Introspection.builder(URI.create("http://127.0.0.1:" + introspection.getAddress().getPort()
                        + "/introspect"), AuthFixtures.ISSUER).client("bench", Secret.of("bench-secret"))
                        .audience(AuthFixtures.AUDIENCE).cacheTtl(Duration.ofMinutes(5)).build())
                .build();
        bearer = AuthFixtures.token(issuerKey);
        String bound = AuthFixtures.token(issuerKey, "rsa1", new JWTClaimsSet.Builder()
                .claim("cnf", Map.of("jkt", client.toPublicJWK().computeThumbprint().toString())));
        String proof = new DefaultDPoPProofFactory(client, JWSAlgorithm.ES256)
                .createDPoPJWT("GET", URL, new DPoPAccessToken(bound)).serialize();
        dpop = TokenRequest.dpop(bound, Optional.of(proof), "GET", URL);
        verifier.verify(dpop);
        verifier.verify(OPAQUE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        verifier.close();
        introspection.stop(0);
    }

    /** A plain RS256 Bearer token. */
    @Benchmark
    public VerifiedToken bearerRs256() {
        return verifier.verify(bearer);
    }

    /** The same kind of RS256 token, bound to an ES256 key, with its proof: two signature checks. */
    @Benchmark
    public VerifiedToken dpopRs256WithEs256Proof() {
        return verifier.verify(dpop);
    }

    /** An opaque token answered from the introspection cache. */
    @Benchmark
    public VerifiedToken introspectionCacheHit() {
        return verifier.verify(OPAQUE);
    }
}
