package dev.sluice.store;

/**
 * The outcome of one {@link KeyedStore#acquire} call (or the answer of a {@link KeyedStore#peek}), written in
 * place so that the request path allocates nothing. All times are nanosecond deltas from the {@code nowNanos}
 * the call was given.
 *
 * <p>Not thread-safe: one instance per calling thread, reused across calls.
 */
public final class AcquireResult {
    // The status is kept as its ordinal: an int store needs no GC write barrier, a reference store does.
    private static final AcquireStatus[] STATUSES = AcquireStatus.values();
    static final int ALLOWED = 0;
    static final int BLOCKED = 1;
    static final int TABLE_FULL = 2;

    /** Scratch for a fingerprint's low word, so that fingerprinting a key for this caller allocates nothing. */
    final long[] lo = new long[1];
    private int status = BLOCKED;
    private long remaining;
    private long resetAfterNanos;
    private long retryAfterNanos;

    /** Creates an empty result, to be filled by {@link KeyedStore#acquire}. */
    public AcquireResult() {
    }

    /** {@return how the call ended} */
    public AcquireStatus status() {
        return STATUSES[status];
    }

    static {
        assert STATUSES[ALLOWED] == AcquireStatus.ALLOWED && STATUSES[BLOCKED] == AcquireStatus.BLOCKED
                && STATUSES[TABLE_FULL] == AcquireStatus.TABLE_FULL;
    }

    /** {@return true when the unit was granted} */
    public boolean allowed() {
        return status == ALLOWED;
    }

    /** {@return units still available to this key after this call, never negative} */
    public long remaining() {
        return remaining;
    }

    /**
     * {@return nanoseconds from now until the key resets: the end of the fixed window, the moment the oldest
     *     admitted request leaves the sliding window (the whole window when the log is empty), or the moment
     *     the token bucket is full again}
     */
    public long resetAfterNanos() {
        return resetAfterNanos;
    }

    /** {@return nanoseconds from now until one unit is available; 0 when the call was allowed} */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /** @param status {@link #ALLOWED}, {@link #BLOCKED} or {@link #TABLE_FULL} */
    void set(int status, long remaining, long resetAfterNanos, long retryAfterNanos) {
        this.status = status;
        this.remaining = remaining;
        this.resetAfterNanos = resetAfterNanos;
        this.retryAfterNanos = retryAfterNanos;
    }
}
