package dev.hardening.config;

import java.time.Duration;
import java.time.Instant;

/**
 * A {@link TimeSource} moved by hand. hardening-config cannot use the test kit's {@code FakeTime}:
 * the test kit depends on this module, and Maven refuses the cycle even in test scope. This is the
 * same idea reduced to what this module's tests need (both readings move together, never by
 * themselves). Thread-safe.
 */
final class ManualTime implements TimeSource {

    private final Instant origin;
    private long nanos = 1_000_000_000L;
    private final long nanoOrigin = nanos;

    private ManualTime(Instant origin) {
        this.origin = origin;
    }

    static ManualTime at(String instant) {
        return new ManualTime(Instant.parse(instant));
    }

    synchronized void advance(Duration d) {
        nanos += d.toNanos();
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant now() {
        return origin.plusNanos(nanos - nanoOrigin);
    }
}
