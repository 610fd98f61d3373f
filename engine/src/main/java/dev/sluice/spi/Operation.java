package dev.sluice.spi;

/**
 * What a {@link Batch} asks of a backend.
 *
 * <p>Immutable and thread-safe.
 */
public enum Operation {
    /** Decide every entry and charge the request's permits to those that admit it (all or none of them when
     * {@link Batch#allOrNothing()}). */
    CHECK,
    /** Decide every entry as {@link #CHECK} would at this moment, and charge nothing. */
    PEEK,
    /** Forget the state of every entry's key, so that the next check finds each as new. */
    RESET
}
