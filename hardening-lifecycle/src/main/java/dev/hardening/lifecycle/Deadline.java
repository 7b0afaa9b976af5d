package dev.hardening.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in monotonic time by which something must be done. Immutable and thread-safe.
 *
 * <p>Durations longer than about 73 years are clamped, so {@code Deadline.after(ChronoUnit.FOREVER...)}
 * style values cannot overflow.
 */
public final class Deadline {

    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private final NanoClock clock;
    private final long atNanos;

    private Deadline(NanoClock clock, long atNanos) {
        this.clock = clock;
        this.atNanos = atNanos;
    }

    /**
     * @param timeout how long from now; negative counts as zero
     * @param clock   the monotonic clock to measure with
     * @return a deadline {@code timeout} after the clock's current reading
     * @throws NullPointerException if an argument is null
     */
    public static Deadline after(Duration timeout, NanoClock clock) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clock, "clock");
        return new Deadline(clock, clock.nanoTime() + clampNanos(timeout));
    }

    /**
     * @param timeout how long from now
     * @return a deadline {@code timeout} after now on the system monotonic clock
     */
    public static Deadline after(Duration timeout) {
        return after(timeout, NanoClock.system());
    }

    /** @return the clock this deadline measures with */
    public NanoClock clock() {
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
