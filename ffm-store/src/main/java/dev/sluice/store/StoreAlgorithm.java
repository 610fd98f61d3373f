package dev.sluice.store;

/**
 * The state machine a {@link KeyedStore} runs for every key. Each request costs one unit.
 *
 * <p>Immutable and thread-safe.
 */
public enum StoreAlgorithm {
    /** A count per key and window; the window starts at the key's first request after the previous one ended. */
    FIXED_WINDOW,
    /** A log of admitted request times per key, kept in a ring of {@code limit} slots. */
    SLIDING_WINDOW_LOG,
    /** Capacity {@code limit}, refilled continuously at {@code limit} per window; starts full. */
    TOKEN_BUCKET
}
