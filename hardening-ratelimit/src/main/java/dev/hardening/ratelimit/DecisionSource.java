package dev.hardening.ratelimit;

/** Which backend made a {@link Decision}. */
public enum DecisionSource {
    /** The shared Redis bucket: the decision holds across replicas. */
    REDIS,
    /** A local in-memory bucket used as the configured backend. */
    LOCAL,
    /** Redis was unavailable; a bounded local bucket with a share of the limit decided. */
    FALLBACK_LOCAL,
    /** Redis was unavailable and the policy fails open: allowed without counting. */
    FALLBACK_OPEN,
    /** Redis was unavailable and the policy fails closed: denied. */
    FALLBACK_CLOSED;

    /** @return whether this decision was made without the configured primary backend */
    public boolean isFallback() {
        return this == FALLBACK_LOCAL || this == FALLBACK_OPEN || this == FALLBACK_CLOSED;
    }
}
