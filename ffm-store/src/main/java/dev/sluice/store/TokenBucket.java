package dev.sluice.store;

/**
 * The token-bucket state machine (GCRA): pure functions on a TOKEN_BUCKET state word (StateWordLayout). A
 * bucket holds {@code limit} tokens and refills one every emission interval, {@code ceil(window / limit)} ns
 * (the rate is rounded down: never faster than asked). The state is the theoretical arrival time (TAT): the
 * time at which the bucket would be full again; a request of n tokens moves it n intervals later, and is
 * admitted when the TAT stays within one burst ({@code limit} intervals) of now.
 *
 * <p>Thread-safe (stateless).
 */
final class TokenBucket {
    /** What {@link #admit} returns for a refused request: a DEAD word is never a next state. */
    static final long REFUSED = -1;

    private TokenBucket() {
    }

    static long emissionNanos(long limit, long windowNanos) {
        return KeyedStore.ceilDiv(windowNanos, limit);
    }

    /** @return the state after a key's first request of {@code permits} at {@code now}, in a slot whose last word was {@code previous} */
    static long first(long previous, long permits, long emissionNanos, long now) {
        return StateWordLayout.bucket(StateWordLayout.bucketGeneration(previous) + 1, now + permits * emissionNanos);
    }

    /** @return the TAT of a live state, with a time from another period of the clock read as a full bucket */
    static long tat(long state, long burstNanos, long now) {
        long tat = StateWordLayout.bucketTat(state, now);
        return tat - now > burstNanos + KeyedStore.SKEW_NANOS ? now : tat;
    }

    /** @return the state after admitting {@code permits} at {@code now}, or {@link #REFUSED} */
    static long admit(long state, long permits, long emissionNanos, long burstNanos, long now) {
        long newTat = later(tat(state, burstNanos, now), now) + permits * emissionNanos;
        return newTat - now <= burstNanos ? StateWordLayout.bucket(StateWordLayout.bucketGeneration(state), newTat) : REFUSED;
    }

    /** @return nanoseconds until a refused request of {@code permits} would be admitted */
    static long retryAfter(long state, long permits, long emissionNanos, long burstNanos, long now) {
        return later(tat(state, burstNanos, now), now) + permits * emissionNanos - burstNanos - now;
    }

    /** The later of two times, by difference: correct across the wrap of a long, where Math.max is not. */
    private static long later(long a, long b) {
        return a - b > 0 ? a : b;
    }

    /** @return whole tokens left in the bucket of a state just written */
    static long remaining(long state, long emissionNanos, long burstNanos, long now) {
        return (burstNanos - (StateWordLayout.bucketTat(state, now) - now)) / emissionNanos;
    }

    /** @return nanoseconds until the bucket of a state just written is full again */
    static long untilFull(long state, long now) {
        return StateWordLayout.bucketTat(state, now) - now;
    }

    /**
     * @param reference the time near which the TAT is read back (now, or the store's last request)
     * @return true when the bucket was full at least {@code graceNanos} before {@code now}, or the TAT is from
     *     another period
     */
    static boolean expired(long state, long reference, long now, long graceNanos) {
        long tat = StateWordLayout.bucketTat(state, reference);
        return now - tat >= graceNanos
                || tat - reference > StateWordLayout.MAX_WINDOW_NANOS + StateWordLayout.MAX_LIMIT + KeyedStore.SKEW_NANOS;
    }
}
