package dev.hardening.spring.internal;

/**
 * Whether the application's warm-up request is being handled: while it is, the starter's meters,
 * its rate limiter and Micrometer observations leave the work they see uncounted. The warm-up runs
 * before the server's port opens, so nothing else is served meanwhile. One per application context.
 * Thread-safe.
 */
public final class WarmUpGate {

    private volatile boolean warming;

    /** A gate that is closed (no warm-up running). */
    public WarmUpGate() {
    }

    /** @return whether the warm-up request is in progress */
    public boolean warming() {
        return warming;
    }

    /** Marks the start of the warm-up request. */
    void begin() {
        warming = true;
    }

    /** Marks its end (also when it failed). */
    void end() {
        warming = false;
    }
}
