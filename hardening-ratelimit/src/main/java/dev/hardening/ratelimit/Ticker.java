package dev.hardening.ratelimit;

/**
 * A monotonic nanosecond time source, injected so tests can move time without sleeping.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** @return nanoseconds from an arbitrary fixed origin; never decreases */
    long nanoTime();

    /** @return the JVM's {@link System#nanoTime()} */
    static Ticker system() {
        return System::nanoTime;
    }
}
