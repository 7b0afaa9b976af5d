package dev.hardening.micrometer.internal;

import dev.hardening.auth.WebhookRejectedException;
import dev.hardening.auth.WebhookRejection;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A {@link WebhookVerifier} that counts the outcomes of another. Not API: built by {@code AuthMetrics}. Thread-safe. */
public final class MeteredWebhookVerifier implements WebhookVerifier {

    private final WebhookVerifier delegate;
    private final Counter accepted;
    private final Counter rejected;
    private final Map<WebhookRejection, Counter> reasons;

    /**
     * @param delegate the verifier that decides
     * @param accepted counter of accepted deliveries
     * @param rejected counter of rejected deliveries
     * @param reasons  one counter per rejection reason
     */
    public MeteredWebhookVerifier(WebhookVerifier delegate, Counter accepted, Counter rejected,
                           Map<WebhookRejection, Counter> reasons) {
        this.delegate = delegate;
        this.accepted = accepted;
        this.rejected = rejected;
        this.reasons = reasons;
    }

    @Override
    public void verify(byte[] body, Function<String, Optional<String>> headers) {
        try {
            delegate.verify(body, headers);
        } catch (WebhookRejectedException e) {
            rejected.increment();
            Counter c = reasons.get(e.reason());
            if (c != null) {
                c.increment();
            }
            throw e;
        }
        accepted.increment();
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
