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
import dev.hardening.auth.TokenCache;
import dev.hardening.auth.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
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
 * Verification throughput of a valid RS256, ES256 and EdDSA (Ed25519) access token (key cached,
 * every claim checked) through {@link TokenVerifier}, through a plain Nimbus
 * {@code DefaultJWTProcessor} over an {@code ImmutableJWKSet} and through a jose4j
 * {@code JwtConsumer} over a {@code JwksVerificationKeyResolver}, each holding the same public
 * key and checking issuer, audience and required exp/iat/sub; beside raw JCA
 * {@code Signature.verify} of the same token's signing input (a new {@code Signature} per call,
 * the default JDK providers).
 *
 * <p>{@code *Ours} is a first verification: that verifier has its verified-token cache off
 * ({@link TokenCache#disabled()}), so every call parses and checks the signature, as for a token
 * never seen before. {@code rs256OursRepeat} is the same token presented again to a verifier with
 * the cache on (the default): the token's SHA-256 digest, one Caffeine lookup, and the time,
 * policy and key checks of a hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenVerifyBenchmark {

    private TokenVerifier ours;
    private TokenVerifier oursCached;
    private DefaultJWTProcessor<SecurityContext> nimbusRs;
    private DefaultJWTProcessor<SecurityContext> nimbusEs;
    private JwtConsumer jose4jRs;
    private JwtConsumer jose4jEs;
    private JwtConsumer jose4jEd;
    private String rs256;
    private String es256;
    private String eddsa;
    private Raw rawRs;
    private Raw rawEs;
    private Raw rawEd;

    /** The signing input and signature of a token, verified with plain JCA. */
    private static final class Raw {
        final String jcaName;
        final PublicKey key;
        final byte[] input;
        final byte[] signature;

        Raw(String jcaName, PublicKey key, String token) {
            this.jcaName = jcaName;
            this.key = key;
            int dot = token.lastIndexOf('.');
            this.input = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
            this.signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        }

        boolean verify() throws Exception {
            Signature s = Signature.getInstance(jcaName);
            s.initVerify(key);
            s.update(input);
            return s.verify(signature);
        }
    }

    private static DefaultJWTProcessor<SecurityContext> nimbus(JWSAlgorithm alg, JWKSet set) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(set)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AuthFixtures.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(AuthFixtures.ISSUER).build(), new HashSet<>(Set.of("exp", "iat", "sub"))));
        return p;
    }

    private static JwtConsumer jose4j(String alg, String jwks) throws Exception {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(60)
                .setExpectedIssuer(AuthFixtures.ISSUER)
                .setExpectedAudience(AuthFixtures.AUDIENCE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey rsa = AuthFixtures.rsaKey("rsa1");
        ECKey ec = AuthFixtures.ecKey("ec1");
        KeyPair ed = AuthFixtures.ed25519();
        String edJwks = "{\"keys\":[" + AuthFixtures.ed25519Jwk(ed, "ed1") + "]}";
        String all = AuthFixtures.jwks(rsa, ec).replaceFirst("]}$", "," + AuthFixtures.ed25519Jwk(ed, "ed1") + "]}");
        ours = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, all).audience(AuthFixtures.AUDIENCE).build())
                .tokenCache(TokenCache.disabled())
                .build();
        oursCached = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, all).audience(AuthFixtures.AUDIENCE).build())
                .build();
        nimbusRs = nimbus(JWSAlgorithm.RS256, new JWKSet(rsa.toPublicJWK()));
        nimbusEs = nimbus(JWSAlgorithm.ES256, new JWKSet(ec.toPublicJWK()));
        jose4jRs = jose4j("RS256", AuthFixtures.jwks(rsa));
        jose4jEs = jose4j("ES256", AuthFixtures.jwks(ec));
        jose4jEd = jose4j("EdDSA", edJwks);
        rs256 = AuthFixtures.token(rsa);
        es256 = AuthFixtures.token(ec);
        eddsa = AuthFixtures.eddsaToken(ed, "ed1");
        rawRs = new Raw("SHA256withRSA", rsa.toPublicKey(), rs256);
        rawEs = new Raw("SHA256withECDSAinP1363Format", ec.toPublicKey(), es256);
        rawEd = new Raw("Ed25519", ed.getPublic(), eddsa);
        // Fail fast if a path does not accept its token.
        ours.verify(rs256);
        ours.verify(es256);
        ours.verify(eddsa);
        if (oursCached.verify(rs256) != oursCached.verify(rs256)) {
            throw new IllegalStateException("the repeated token was not answered from the cache");
        }
        nimbusRs.process(rs256, null);
        nimbusEs.process(es256, null);
        jose4jRs.processToClaims(rs256);
        jose4jEs.processToClaims(es256);
        jose4jEd.processToClaims(eddsa);
        if (!rawRs.verify() || !rawEs.verify() || !rawEd.verify()) {
            throw new IllegalStateException("raw JCA does not verify a fixture token");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
        oursCached.close();
    }

    @Benchmark
    public Object rs256Ours() {
        return ours.verify(rs256);
    }

    @Benchmark
    public Object rs256OursRepeat() {
        return oursCached.verify(rs256);
    }

    @Benchmark
    public Object rs256Nimbus() throws Exception {
        return nimbusRs.process(rs256, null);
    }

    @Benchmark
    public Object rs256Jose4j() throws Exception {
        return jose4jRs.processToClaims(rs256);
    }

    @Benchmark
    public boolean rs256RawJca() throws Exception {
        return rawRs.verify();
    }

    @Benchmark
    public Object es256Ours() {
        return ours.verify(es256);
    }

    @Benchmark
    public Object es256Nimbus() throws Exception {
        return nimbusEs.process(es256, null);
    }

    @Benchmark
    public Object es256Jose4j() throws Exception {
        return jose4jEs.processToClaims(es256);
    }

    @Benchmark
    public boolean es256RawJca() throws Exception {
        return rawEs.verify();
    }

    @Benchmark
    public Object eddsaOurs() {
        return ours.verify(eddsa);
    }

    @Benchmark
    public Object eddsaJose4j() throws Exception {
        return jose4jEd.processToClaims(eddsa);
    }

    @Benchmark
    public boolean eddsaRawJca() throws Exception {
        return rawEd.verify();
    }
}
