package dev.sluice;

/**
 * Where a limiter's time comes from: monotonic nanoseconds for the arithmetic, wall-clock nanoseconds since
 * the Unix epoch for the {@code X-RateLimit-Reset} header and for backends that share time with other
 * processes (Redis).
 *
 * <p>Implementations must be thread-safe and should not allocate.
 */
public interface Clock {

    /** @return nanoseconds from an arbitrary origin that never go backwards */
    long monotonicNanos();

    /** @return nanoseconds since 1970-01-01T00:00:00Z */
    long epochNanos();

    /** @return the system clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()} */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
