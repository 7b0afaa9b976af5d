package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
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
 * Time to reject three kinds of bad RS256 token, through our verifier, a plain Nimbus
 * {@code DefaultJWTProcessor} and a jose4j {@code JwtConsumer} (same key, issuer and audience):
 * <ul>
 *   <li>{@code junk*}: 8 MB — a valid header, an 8 MB JSON claims set (one huge string claim) and
 *       a signature that does not verify. Ours rejects it by size before any parsing.</li>
 *   <li>{@code garbage*}: 1 KB — a valid header, then base64url of random bytes (not JSON) and a
 *       random signature.</li>
 *   <li>{@code forged*}: a well-formed token with valid claims, signed by another RSA key: the
 *       signature check itself (one RSA public-key operation) is the cost.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JunkTokenBenchmark {

    private TokenVerifier ours;
    private DefaultJWTProcessor<SecurityContext> nimbus;
    private JwtConsumer jose4j;
    private String junk;
    private String garbage;
    private String forged;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey rsa = AuthFixtures.rsaKey("rsa1");
        ours = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, AuthFixtures.jwks(rsa)).audience(AuthFixtures.AUDIENCE).build())
                .build();
        nimbus = new DefaultJWTProcessor<>();
        nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(new JWKSet(rsa.toPublicJWK()))));
        jose4j = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setExpectedIssuer(AuthFixtures.ISSUER)
                .setExpectedAudience(AuthFixtures.AUDIENCE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(AuthFixtures.jwks(rsa)).getJsonWebKeys()))
                .build();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}".getBytes(StandardCharsets.UTF_8));
        char[] filler = new char[6 * 1024 * 1024];
        Arrays.fill(filler, 'a');
        String claims = "{\"iss\":\"" + AuthFixtures.ISSUER + "\",\"junk\":\"" + new String(filler) + "\"}";
        junk = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[256]);
        if (junk.length() < 8_000_000) {
            throw new IllegalStateException("junk token of " + junk.length() + " characters");
        }
        Random random = new Random(1);
        byte[] payload = new byte[480];
        byte[] signature = new byte[256];
        random.nextBytes(payload);
        random.nextBytes(signature);
        garbage = header + "." + b64.encodeToString(payload) + "." + b64.encodeToString(signature);
        forged = AuthFixtures.token(AuthFixtures.rsaKey("rsa1"));
        for (String bad : new String[] {junk, garbage, forged}) {
            if (!(ours(bad) instanceof InvalidTokenException)) {
                throw new IllegalStateException("our verifier accepted a bad token");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
    }

    private Object ours(String token) {
        try {
            return ours.verify(token);
        } catch (InvalidTokenException e) {
            return e;
        }
    }

    private Object nimbus(String token) {
        try {
            return nimbus.process(token, null);
        } catch (Exception e) {
            return e;
        }
    }

    private Object jose4j(String token) {
        try {
            return jose4j.processToClaims(token);
        } catch (Exception e) {
            return e;
        }
    }

    @Benchmark
    public Object junkOurs() {
        return ours(junk);
    }

    @Benchmark
    public Object junkNimbus() {
        return nimbus(junk);
    }

    @Benchmark
    public Object junkJose4j() {
        return jose4j(junk);
    }

    @Benchmark
    public Object garbageOurs() {
        return ours(garbage);
    }

    @Benchmark
    public Object garbageNimbus() {
        return nimbus(garbage);
    }

    @Benchmark
    public Object garbageJose4j() {
        return jose4j(garbage);
    }

    @Benchmark
    public Object forgedOurs() {
        return ours(forged);
    }

    @Benchmark
    public Object forgedNimbus() {
        return nimbus(forged);
    }

    @Benchmark
    public Object forgedJose4j() {
        return jose4j(forged);
    }
}
