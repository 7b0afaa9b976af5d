package dev.hardening.auth.internal;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;

/**
 * Retries the layer below with Resilience4j: up to {@code maxAttempts} attempts, exponential
 * backoff from {@code initialBackoff} (doubling, ±50 % jitter, capped at 16×), and only for
 * failures that another attempt may fix (timeouts, connection errors, 5xx, 429) — never for a 4xx,
 * a malformed document or an issuer mismatch. Runs on the refresh thread only. Thread-safe.
 *
 * <p>Why not Nimbus' {@code RetryingJWKSetSource}: it makes exactly one retry, at once, for any
 * {@code JWKSetUnavailableException}, a 404 included ({@code NimbusWrappersTest.retryingSourceRetriesOnceWithoutBackoffEvenOnClientErrors};
 * ours: {@code RemoteJwksIT.retriesServerErrorsWithBackoffThenAnswers503} and {@code doesNotRetryClientErrors}).
 */
final class RetryingJwksSource implements JwksSource {

    private final JwksSource below;
    private final Retry retry;

    RetryingJwksSource(JwksSource below, int maxAttempts, Duration initialBackoff) {
        this.below = below;
        this.retry = Retry.of("jwks", RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5,
                        initialBackoff.multipliedBy(16)))
                .retryOnException(t -> t instanceof FetchException && ((FetchException) t).retryable())
                .build());
    }

    @Override
    public JwksLayer below() {
        return below;
    }

    @Override
    public KeySet load() throws FetchException {
        try {
            return Retry.decorateCheckedSupplier(retry, below::load).get();
        } catch (FetchException e) {
            throw e;
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new FetchException("error", false, "fetching keys failed unexpectedly", t);
        }
    }
}
