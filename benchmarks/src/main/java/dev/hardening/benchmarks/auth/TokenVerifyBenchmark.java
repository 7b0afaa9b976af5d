package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
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
 * Verification throughput of a valid RS256 and ES256 access token (key cached, every claim
 * checked) through {@link TokenVerifier} and through a plain Nimbus {@code DefaultJWTProcessor}
 * over an {@code ImmutableJWKSet} with the same key and the usual claim checks (issuer, audience,
 * exp/iat/sub required), beside raw JCA {@code Signature.verify} of the same RS256 token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenVerifyBenchmark {

    private TokenVerifier ours;
    private DefaultJWTProcessor<SecurityContext> nimbusRs;
    private DefaultJWTProcessor<SecurityContext> nimbusEs;
    private String rs256;
    private String es256;
    private java.security.PublicKey rsaPublic;
    private byte[] rsInput;
    private byte[] rsSignature;

    private static DefaultJWTProcessor<SecurityContext> nimbus(JWSAlgorithm alg, JWKSet set) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(set)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AuthFixtures.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(AuthFixtures.ISSUER).build(), new HashSet<>(Set.of("exp", "iat", "sub"))));
        return p;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey rsa = AuthFixtures.rsaKey("rsa1");
        ECKey ec = AuthFixtures.ecKey("ec1");
        ours = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, AuthFixtures.jwks(rsa, ec))
                        .audience(AuthFixtures.AUDIENCE).build())
                .build();
        nimbusRs = nimbus(JWSAlgorithm.RS256, new JWKSet(rsa.toPublicJWK()));
        nimbusEs = nimbus(JWSAlgorithm.ES256, new JWKSet(ec.toPublicJWK()));
        rs256 = AuthFixtures.token(rsa);
        es256 = AuthFixtures.token(ec);
        rsaPublic = rsa.toPublicKey();
        int dot = rs256.lastIndexOf('.');
        rsInput = rs256.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
        rsSignature = Base64.getUrlDecoder().decode(rs256.substring(dot + 1));
        // Fail fast if a path does not accept its token.
        ours.verify(rs256);
        ours.verify(es256);
        nimbusRs.process(rs256, null);
        nimbusEs.process(es256, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
    }

    @Benchmark
    public Object rs256Ours() {
        return ours.verify(rs256);
    }

    @Benchmark
    public Object rs256Nimbus() throws Exception {
        return nimbusRs.process(rs256, null);
    }

    @Benchmark
    public boolean rs256RawJca() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(rsaPublic);
        s.update(rsInput);
        return s.verify(rsSignature);
    }

    @Benchmark
    public Object es256Ours() {
        return ours.verify(es256);
    }

    @Benchmark
    public Object es256Nimbus() throws Exception {
        return nimbusEs.process(es256, null);
    }
}
