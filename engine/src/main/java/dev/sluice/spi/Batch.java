package dev.sluice.spi;

/**
 * One request on its way through a backend: its active dimensions (at most three, in evaluation order), the
 * time, and a slot per dimension for the outcome. The engine fills the inputs; the backend writes outcomes.
 * A batch is reused from request to request, so nothing in it is allocated on the request path.
 *
 * <p>Outcome times are nanosecond deltas from the request's time: {@code resetAfterNanos} until the
 * dimension resets (see each algorithm), {@code retryAfterNanos} until a blocked dimension admits again.
 *
 * <p>Every method that takes a dimension index {@code i} throws {@link IndexOutOfBoundsException} unless
 * {@code 0 <= i < size()}.
 *
 * <p>Not thread-safe: a batch belongs to one request at a time.
 */
public final class Batch {
    /** The most dimensions a request has: user, tenant, tool. */
    public static final int MAX_DIMENSIONS = 3;

    /** Outcome of a dimension that a backend has not written yet. */
    public static final byte PENDING = 0;
    /** Outcome: the request was admitted and charged. */
    public static final byte ALLOWED = 1;
    /** Outcome: the dimension had nothing left; the request was not recorded. */
    public static final byte BLOCKED = 2;
    /** Outcome: the backend could not evaluate this dimension (e.g. a full table). */
    public static final byte UNAVAILABLE = 3;

    private final KeySpace[] dimensions = new KeySpace[MAX_DIMENSIONS];
    private final String[] values = new String[MAX_DIMENSIONS];
    private final Limit[] rates = new Limit[MAX_DIMENSIONS];
    private final byte[] outcomes = new byte[MAX_DIMENSIONS];
    private final long[] remaining = new long[MAX_DIMENSIONS];
    private final long[] resetAfterNanos = new long[MAX_DIMENSIONS];
    private final long[] retryAfterNanos = new long[MAX_DIMENSIONS];
    private int size;
    private String tenant;
    private long monotonicNanos;
    private long epochNanos;
    private Object attachment;

    /** Creates an empty batch. */
    public Batch() {
    }

    /**
     * Empties the batch for a new request.
     *
     * @param tenant the request's normalised tenant, or {@code null} when it has none
     * @param monotonicNanos the request's time for the arithmetic
     * @param epochNanos the same instant as wall-clock nanoseconds since the Unix epoch
     * @return this batch
     */
    public Batch reset(String tenant, long monotonicNanos, long epochNanos) {
        this.size = 0;
        this.tenant = tenant;
        this.monotonicNanos = monotonicNanos;
        this.epochNanos = epochNanos;
        return this;
    }

    /**
     * Appends an active dimension.
     *
     * @param dimension which dimension (the engine adds the constants of {@code dev.sluice.Dimension})
     * @param value the normalised user, tenant or tool name
     * @param rate the dimension's limit (the engine adds {@code dev.sluice.Rate}s)
     * @return this batch
     * @throws IllegalStateException when the batch already holds {@link #MAX_DIMENSIONS}
     */
    public Batch add(KeySpace dimension, String value, Limit rate) {
        if (size == MAX_DIMENSIONS) {
            throw new IllegalStateException("a batch holds at most " + MAX_DIMENSIONS + " dimensions");
        }
        dimensions[size] = dimension;
        values[size] = value;
        rates[size] = rate;
        outcomes[size] = PENDING;
        remaining[size] = 0;
        resetAfterNanos[size] = 0;
        retryAfterNanos[size] = 0;
        size++;
        return this;
    }

    /** {@return the number of active dimensions} */
    public int size() {
        return size;
    }

    /**
     * The dimension of entry {@code i}.
     *
     * @param i index below {@link #size()}
     * @return the dimension
     */
    public KeySpace dimension(int i) {
        return dimensions[check(i)];
    }

    /**
     * {@return the normalised user, tenant or tool name that dimension {@code i} limits}
     *
     * @param i index below {@link #size()}
     */
    public String value(int i) {
        return values[check(i)];
    }

    /**
     * The limit of entry {@code i}.
     *
     * @param i index below {@link #size()}
     * @return the dimension's limit
     */
    public Limit rate(int i) {
        return rates[check(i)];
    }

    /** {@return the request's normalised tenant, or {@code null}} */
    public String tenant() {
        return tenant;
    }

    /** {@return the request's time for the arithmetic} */
    public long monotonicNanos() {
        return monotonicNanos;
    }

    /** {@return the request's time as nanoseconds since the Unix epoch} */
    public long epochNanos() {
        return epochNanos;
    }

    /**
     * Records that dimension {@code i} admitted and charged the request.
     *
     * @param i index below {@link #size()}
     * @param remainingAfter units left after this request, not negative
     * @param resetAfter nanoseconds until the dimension resets
     */
    public void allow(int i, long remainingAfter, long resetAfter) {
        outcomes[check(i)] = ALLOWED;
        remaining[i] = Math.max(0, remainingAfter);
        resetAfterNanos[i] = Math.max(0, resetAfter);
        retryAfterNanos[i] = 0;
    }

    /**
     * Records that dimension {@code i} refused the request.
     *
     * @param i index below {@link #size()}
     * @param resetAfter nanoseconds until the dimension resets
     * @param retryAfter nanoseconds until the dimension admits again
     */
    public void block(int i, long resetAfter, long retryAfter) {
        outcomes[check(i)] = BLOCKED;
        remaining[i] = 0;
        resetAfterNanos[i] = Math.max(0, resetAfter);
        retryAfterNanos[i] = Math.max(0, retryAfter);
    }

    /**
     * Records that the backend could not evaluate dimension {@code i}.
     *
     * @param i index below {@link #size()}
     */
    public void unavailable(int i) {
        outcomes[check(i)] = UNAVAILABLE;
    }

    /**
     * {@return the outcome of dimension {@code i}: {@link #PENDING}, {@link #ALLOWED}, {@link #BLOCKED} or
     * {@link #UNAVAILABLE}}
     *
     * @param i index below {@link #size()}
     */
    public byte outcome(int i) {
        return outcomes[check(i)];
    }

    /**
     * {@return units dimension {@code i} has left after the request}
     *
     * @param i index below {@link #size()}
     */
    public long remaining(int i) {
        return remaining[check(i)];
    }

    /**
     * {@return nanoseconds until dimension {@code i} resets}
     *
     * @param i index below {@link #size()}
     */
    public long resetAfterNanos(int i) {
        return resetAfterNanos[check(i)];
    }

    /**
     * {@return nanoseconds until dimension {@code i} admits again when it blocked, else 0}
     *
     * @param i index below {@link #size()}
     */
    public long retryAfterNanos(int i) {
        return retryAfterNanos[check(i)];
    }

    /** {@return the object a backend attached to this batch with {@link #attach}, or {@code null}} */
    public Object attachment() {
        return attachment;
    }

    /**
     * Keeps a backend's per-caller scratch state (key buffers, result holders) with the batch, so that the
     * backend needs no thread-local lookup.
     *
     * @param attachment the scratch state
     */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("dimension index " + i + " outside 0.." + (size - 1));
        }
        return i;
    }
}
