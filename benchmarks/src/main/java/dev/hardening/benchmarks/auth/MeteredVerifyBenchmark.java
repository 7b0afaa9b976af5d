package dev.hardening.benchmarks.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.micrometer.AuthMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * The cost of hardening-micrometer on a cached-key verification: the same verifier, with the same
 * keys and tokens, called plain and through {@code AuthMetrics.instrument} bound to a
 * {@code PrometheusMeterRegistry} (timer per outcome, rejection counters, JWKS function meters).
 * Goal: the metered verification takes at most 5 % longer.
 *
 * <p>On a loaded machine the plain and metered runs (taken one after the other) differ by more than
 * the meters cost, so {@code wrapperOnly} also measures the wrapper alone: the metered verifier around
 * a verifier that answers at once with a token verified in setup. Its time is the absolute cost the
 * meters add to every verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MeteredVerifyBenchmark {

    private TokenVerifier plain;
    private TokenVerifier metered;
    private String rs256;
    private String es256;
    private TokenVerifier wrapperOnly;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey rsa = AuthFixtures.rsaKey("rsa1");
        ECKey ec = AuthFixtures.ecKey("ec1");
        plain = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(AuthFixtures.ISSUER, AuthFixtures.jwks(rsa, ec))
                        .audience(AuthFixtures.AUDIENCE).build())
                .build();
        metered = AuthMetrics.instrument(plain, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        rs256 = AuthFixtures.token(rsa);
        es256 = AuthFixtures.token(ec);
        VerifiedToken verified = plain.verify(rs256);
        plain.verify(es256);
        wrapperOnly = AuthMetrics.instrument(new Answering(plain, verified),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Answers every verification at once with one token; forwards the rest. */
    private static final class Answering implements TokenVerifier {
        private final TokenVerifier delegate;
        private final VerifiedToken token;

        Answering(TokenVerifier delegate, VerifiedToken token) {
            this.delegate = delegate;
            this.token = token;
        }

        @Override
        public VerifiedToken verify(CharSequence t) {
            return token;
        }

        @Override
        public VerifiedToken verify(dev.hardening.auth.TokenRequest request) {
            return token;
        }

        @Override
        public dev.hardening.auth.DpopPolicy dpop() {
            return delegate.dpop();
        }

        @Override
        public VerifiedToken verifyIdToken(CharSequence t, String nonce) {
            return token;
        }

        @Override
        public java.util.List<dev.hardening.auth.JwksStatus> status() {
            return delegate.status();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> warmUp() {
            return delegate.warmUp();
        }

        @Override
        public void close() {
        }

        @Override
        public java.util.List<dev.hardening.config.Finding> findings(dev.hardening.config.AppEnvironment env) {
            return delegate.findings(env);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plain.close();
    }

    @Benchmark
    public Object rs256Plain() {
        return plain.verify(rs256);
    }

    @Benchmark
    public Object rs256Metered() {
        return metered.verify(rs256);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object wrapperOnly() {
        return wrapperOnly.verify(rs256);
    }

    @Benchmark
    public Object es256Plain() {
        return plain.verify(es256);
    }

    @Benchmark
    public Object es256Metered() {
        return metered.verify(es256);
    }
}
