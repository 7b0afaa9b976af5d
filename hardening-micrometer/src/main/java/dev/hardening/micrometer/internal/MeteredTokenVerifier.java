package dev.hardening.micrometer.internal;

import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A {@link TokenVerifier} that times and counts the calls of another. Not API: built by {@code AuthMetrics}. Thread-safe. */
public final class MeteredTokenVerifier implements TokenVerifier {

    private final TokenVerifier delegate;
    private final Clock clock;
    private final Timer accepted;
    private final Timer rejected;
    private final Map<RejectionReason, Counter> reasons;

    /**
     * @param delegate the verifier that decides
     * @param clock    the registry's clock
     * @param accepted timer of accepted verifications
     * @param rejected timer of rejected verifications
     * @param reasons  one counter per rejection reason
     */
    public MeteredTokenVerifier(TokenVerifier delegate, Clock clock, Timer accepted, Timer rejected,
                         Map<RejectionReason, Counter> reasons) {
        this.delegate = delegate;
        this.clock = clock;
        this.accepted = accepted;
        this.rejected = rejected;
        this.reasons = reasons;
    }

    @Override
    public VerifiedToken verify(CharSequence token) {
        return timed(() -> delegate.verify(token));
    }

    @Override
    public VerifiedToken verify(TokenRequest request) {
        return timed(() -> delegate.verify(request));
    }

    @Override
    public DpopPolicy dpop() {
        return delegate.dpop();
    }

    @Override
    public VerifiedToken verifyIdToken(CharSequence token, String expectedNonce) {
        return timed(() -> delegate.verifyIdToken(token, expectedNonce));
    }

    private VerifiedToken timed(Supplier<VerifiedToken> call) {
        long start = clock.monotonicTime();
        try {
            VerifiedToken verified = call.get();
            accepted.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
            return verified;
        } catch (TokenRejectedException e) {
            rejected(start, e);
            throw e;
        }
    }

    private void rejected(long start, TokenRejectedException e) {
        rejected.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
        Counter counter = reasons.get(e.reason());
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public List<JwksStatus> status() {
        return delegate.status();
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        return delegate.warmUp();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public java.util.Optional<dev.hardening.auth.TokenCache.Stats> cacheStats() {
        return delegate.cacheStats();
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return delegate.findings(environment);
    }

    @Override
    public String toString() {
        return "Metered" + delegate;
    }
}
