package dev.hardening.lifecycle;

/**
 * A monotonic nanosecond time source, such as {@link System#nanoTime()}. Only differences between
 * two readings are meaningful; wall-clock time never enters a deadline, a lease or a backoff.
 *
 * <p>Implementations must be thread-safe and must never go backwards.
 */
@FunctionalInterface
public interface NanoClock {

    /** @return the current reading in nanoseconds, meaningful only relative to another reading */
    long nanoTime();

    /** @return the clock backed by {@link System#nanoTime()} */
    static NanoClock system() {
        return System::nanoTime;
    }
}
