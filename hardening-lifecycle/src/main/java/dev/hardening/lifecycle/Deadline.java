package dev.hardening.lifecycle;

import dev.hardening.config.TimeSource;
import java.time.Duration;
import java.util.Objects;

/**
 * A point in monotonic time, read from a {@link TimeSource}, by which something must be done.
 * Immutable and thread-safe.
 *
 * <p>Durations longer than about 73 years are clamped, so {@code Deadline.after(ChronoUnit.FOREVER...)}
 * style values cannot overflow.
 */
public final class Deadline {

    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private final TimeSource clock;
    private final long atNanos;

    private Deadline(TimeSource clock, long atNanos) {
        this.clock = clock;
        this.atNanos = atNanos;
    }

    /**
     * @param timeout how long from now; negative counts as zero
     * @param time    the time source whose monotonic reading the deadline is measured on
     * @return a deadline {@code timeout} after the source's current reading
     * @throws NullPointerException if an argument is null
     */
    public static Deadline after(Duration timeout, TimeSource time) {
        Objects.requireNonNull(timeout, "timeout");
        TimeSource clock = Objects.requireNonNull(time, "timeSource");
        return new Deadline(clock, clock.nanoTime() + clampNanos(timeout));
    }

    /**
     * @param timeout how long from now
     * @return a deadline {@code timeout} after now on {@link TimeSource#system()}
     * @throws NullPointerException if {@code timeout} is null
     */
    public static Deadline after(Duration timeout) {
        return after(timeout, TimeSource.system());
    }

    /** @return the time source this deadline is measured on */
    public TimeSource timeSource() {
        return clock;
    }

    /** @return nanoseconds left, never negative */
    public long remainingNanos() {
        return Math.max(0, atNanos - clock.nanoTime());
    }

    /** @return time left, never negative */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** @return whether the deadline has passed */
    public boolean isExpired() {
        return atNanos - clock.nanoTime() <= 0;
    }

    /**
     * @param timeout a budget measured from now
     * @return the earlier of this deadline and {@code timeout} from now
     */
    public Deadline atMost(Duration timeout) {
        long other = clock.nanoTime() + clampNanos(Objects.requireNonNull(timeout, "timeout"));
        return other - atNanos < 0 ? new Deadline(clock, other) : this;
    }

    /**
     * @param reserve time to keep back for later work
     * @return this deadline moved {@code reserve} earlier (possibly already expired)
     */
    public Deadline minus(Duration reserve) {
        return new Deadline(clock, atNanos - clampNanos(Objects.requireNonNull(reserve, "reserve")));
    }

    /**
     * @param other another deadline on the same clock
     * @return the earlier of the two
     */
    public Deadline earlier(Deadline other) {
        return other.atNanos - atNanos < 0 ? other : this;
    }

    static long clampNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0) {
            return MAX_NANOS;
        }
        return d.toNanos();
    }

    @Override
    public String toString() {
        return "Deadline[remaining=" + remaining() + "]";
    }
}
