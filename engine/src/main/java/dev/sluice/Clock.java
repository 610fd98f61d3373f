package dev.sluice;

/**
 * Where a limiter's time comes from: monotonic nanoseconds for the arithmetic, and wall-clock nanoseconds since
 * the Unix epoch for the {@code X-RateLimit-Reset} header and for backends that share time with other
 * processes (Redis).
 *
 * <p>The wall-clock reading is the monotonic one plus a fixed offset ({@link #epochOffsetNanos()}), which a
 * limiter reads once, when it is created: a request then costs one clock read, and a time given explicitly
 * ({@link RateLimiter#check(String, String, String, long)}) converts exactly to the monotonic timeline, so
 * explicit times and the clock's own can be mixed on one limiter.
 *
 * <p>Implementations must be thread-safe and should not allocate.
 */
public interface Clock {

    /** {@return nanoseconds from an arbitrary origin that never go backwards} */
    long monotonicNanos();

    /**
     * {@return nanoseconds since 1970-01-01T00:00:00Z at monotonic time 0, so that the wall-clock time is
     *     {@code monotonicNanos() + epochOffsetNanos()}; the same number for the clock's whole life}
     */
    long epochOffsetNanos();

    /** {@return nanoseconds since 1970-01-01T00:00:00Z: {@code monotonicNanos() + epochOffsetNanos()}} */
    default long epochNanos() {
        return monotonicNanos() + epochOffsetNanos();
    }

    /**
     * {@return the system clock: {@link System#nanoTime()}, and the wall clock as it was when the JVM first asked
     *     for this clock, carried forward by {@code nanoTime}; wall-clock steps after that are not followed}
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
