package dev.sluice.spi;

/**
 * A limit as a backend enforces it: at most {@link #count()} requests per window of {@link #windowSeconds()}.
 * The engine's limits are {@code dev.sluice.Rate}s, already validated: the count from 1 to 2^53 - 1, the window
 * from 1 second to 365 days, so that no arithmetic on them overflows a {@code long}. Backends receive limits in
 * a {@link Batch}; they do not implement this interface.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Limit {

    /** {@return requests allowed per window, at least 1} */
    long count();

    /** {@return the window's length in seconds, at least 1} */
    long windowSeconds();

    /** {@return the window's length in nanoseconds: {@link #windowSeconds()} times 10^9} */
    long windowNanos();
}
