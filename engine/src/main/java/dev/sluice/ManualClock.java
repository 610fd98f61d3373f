package dev.sluice;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests and replays. Both of its readings are the same number,
 * nanoseconds since the Unix epoch ({@link #epochOffsetNanos()} is 0), so a limiter on it sees exactly the times
 * it is set to, and an explicit time given to a check is taken as it is.
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {
    private final AtomicLong epochNanos;

    /**
     * Creates a clock that reads {@code epochNanos} until it is moved.
     *
     * @param epochNanos the starting time, nanoseconds since the Unix epoch
     */
    public ManualClock(long epochNanos) {
        this.epochNanos = new AtomicLong(epochNanos);
    }

    /**
     * Creates a clock that reads {@code epochSeconds} until it is moved.
     *
     * @param epochSeconds the starting time, whole seconds since the Unix epoch
     * @return the clock
     */
    public static ManualClock atEpochSeconds(long epochSeconds) {
        return new ManualClock(epochSeconds * 1_000_000_000L);
    }

    /**
     * Sets the time, forwards or backwards.
     *
     * @param epochNanos the new time, nanoseconds since the Unix epoch
     * @return this clock
     */
    public ManualClock setEpochNanos(long epochNanos) {
        this.epochNanos.set(epochNanos);
        return this;
    }

    /**
     * Sets the time, forwards or backwards, to a whole millisecond.
     *
     * @param epochMillis the new time, in milliseconds since the Unix epoch
     * @return this clock
     */
    public ManualClock setEpochMillis(long epochMillis) {
        return setEpochNanos(epochMillis * 1_000_000L);
    }

    /**
     * Moves the time by {@code amount} (backwards when it is negative).
     *
     * @param amount how far to move forward
     * @return this clock
     */
    public ManualClock advance(Duration amount) {
        epochNanos.addAndGet(amount.toNanos());
        return this;
    }

    @Override
    public long monotonicNanos() {
        return epochNanos.get();
    }

    /** {@return 0: the monotonic reading is the wall-clock one} */
    @Override
    public long epochOffsetNanos() {
        return 0;
    }

    @Override
    public long epochNanos() {
        return epochNanos.get();
    }
}
