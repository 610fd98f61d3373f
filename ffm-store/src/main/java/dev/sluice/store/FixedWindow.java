package dev.sluice.store;

/**
 * The fixed-window state machine: pure functions on a FIXED_WINDOW state word (StateWordLayout). A window
 * starts at a key's first request (or the first after the last window ended) and admits up to {@code limit}
 * units; its end is rounded down to a 4,096 ns tick.
 *
 * <p>Thread-safe (stateless).
 */
final class FixedWindow {
    /** What {@link #admit} returns for a refused request: count 0 is never a live state. */
    static final long REFUSED = 0;

    private FixedWindow() {
    }

    /** @return the state after a key's first request of {@code permits} at {@code now} */
    static long first(long permits, long windowNanos, long now) {
        return StateWordLayout.fixed(StateWordLayout.endTicksFor(now, windowNanos), permits);
    }

    /**
     * @param state a live state word
     * @return the state after admitting {@code permits} at {@code now}, or {@link #REFUSED}
     */
    static long admit(long state, long permits, long limit, long windowNanos, long now) {
        long left = StateWordLayout.fixedEndNanos(state, now) - now;
        if (left <= 0 || left > windowNanos + KeyedStore.SKEW_NANOS) {
            return first(permits, windowNanos, now);
        }
        return StateWordLayout.fixedCount(state) + permits <= limit ? state + permits : REFUSED;
    }

    /** @return units left in the window of a state just written */
    static long remaining(long state, long limit) {
        return limit - StateWordLayout.fixedCount(state);
    }

    /** @return nanoseconds from {@code now} until the window of {@code state} ends */
    static long resetAfter(long state, long now) {
        return StateWordLayout.fixedEndNanos(state, now) - now;
    }

    /**
     * @param reference the time near which the end is read back (now, or the store's last request)
     * @return true when the window ended at least {@code graceNanos} before {@code now}, or is from another period
     */
    static boolean expired(long state, long reference, long now, long graceNanos) {
        long end = StateWordLayout.fixedEndNanos(state, reference);
        return now - end >= graceNanos || end - reference > StateWordLayout.MAX_WINDOW_NANOS + KeyedStore.SKEW_NANOS;
    }
}
