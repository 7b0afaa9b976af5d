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
 * Time to reject an 8 MB junk token: a valid RS256 header, an 8 MB JSON claims set (one huge
 * string claim) and a signature that does not verify. Ours rejects it by size before parsing;
 * Nimbus parses the claims before it checks the signature.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JunkTokenBenchmark {

    private TokenVerifier ours;
    private DefaultJWTProcessor<SecurityContext> nimbus;
    private String junk;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey rsa = AuthFixtures.rsaKey("rsa1");
        ours = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, AuthFixtures.jwks(rsa)).audience(AuthFixtures.AUDIENCE).build())
                .build();
        nimbus = new DefaultJWTProcessor<>();
        nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(new JWKSet(rsa.toPublicJWK()))));
        char[] filler = new char[6 * 1024 * 1024];
        Arrays.fill(filler, 'a');
        String claims = "{\"iss\":\"" + AuthFixtures.ISSUER + "\",\"junk\":\"" + new String(filler) + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        junk = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[256]);
        if (junk.length() < 8_000_000) {
            throw new IllegalStateException("junk token of " + junk.length() + " characters");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
    }

    @Benchmark
    public Object rejectOurs() {
        try {
            return ours.verify(junk);
        } catch (InvalidTokenException e) {
            return e;
        }
    }

    @Benchmark
    public Object rejectNimbus() {
        try {
            return nimbus.process(junk, null);
        } catch (Exception e) {
            return e;
        }
    }
}
