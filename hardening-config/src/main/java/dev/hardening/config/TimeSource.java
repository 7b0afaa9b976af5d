package dev.hardening.config;

import dev.hardening.config.internal.SystemTimeSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one source of time for every hardening component that waits, expires or measures: a
 * monotonic nanosecond reading for deadlines, leases, backoff and buckets, and a wall-clock
 * {@link Instant} for values compared with other machines' clocks (token {@code exp}, webhook
 * timestamps, silence expiry dates).
 *
 * <p>Production code takes {@link #system()}; tests pass the test kit's {@code FakeTime} and move
 * it by hand instead of sleeping. Only differences between two {@link #nanoTime()} readings mean
 * anything; the wall clock may jump, the monotonic reading never goes backwards.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TimeSource {

    /** @return a monotonic reading in nanoseconds, meaningful only relative to another reading of the same source */
    long nanoTime();

    /** @return the current wall-clock instant (UTC) */
    Instant now();

    /**
     * A {@link Clock} view of {@link #now()} in UTC, for APIs that take a {@code java.time.Clock}.
     *
     * @return a clock that reads this source; never {@code null}
     */
    default Clock asClock() {
        TimeSource source = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return source.now();
            }
        };
    }

    /** @return the JVM's clocks: {@code System.nanoTime()} and the system UTC clock; a shared instance */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
