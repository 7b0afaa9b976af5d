package dev.hardening.config.internal;

import dev.hardening.config.TimeSource;
import java.time.Clock;
import java.time.Instant;

/**
 * The JVM's clocks. The only place in the project's main code that reads {@code System.nanoTime}
 * (an architecture test checks this), so every wait and expiry can be driven by a fake in tests.
 */
public final class SystemTimeSource implements TimeSource {

    /** The shared instance. */
    public static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private static final Clock UTC = Clock.systemUTC();

    private SystemTimeSource() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return UTC.instant();
    }

    @Override
    public Clock asClock() {
        return UTC;
    }

    @Override
    public String toString() {
        return "TimeSource.system()";
    }
}
