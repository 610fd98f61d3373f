package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The requests of one gateway request for {@link KeyedStore#acquire(StoreBatch, long)} (or
 * {@link KeyedStore#acquireAll}, {@link KeyedStore#peek(StoreBatch, long)}, {@link KeyedStore#reset(StoreBatch, long)}): any number of keys,
 * each with its cost, limit and window, and a result for each. Reused from request to request; it grows only
 * when a request has more keys than any before it.
 *
 * <p>Not thread-safe: a batch belongs to one request at a time.
 */
public final class StoreBatch {
    /** Keys longer than this are fingerprinted straight from the String, so the scratch stays small. */
    static final int SCRATCH_UNITS = 256;

    long[] hi = new long[4];
    long[] lo = new long[4];
    long[] permits = new long[4];
    long[] limits = new long[4];
    long[] windows = new long[4];
    AcquireResult[] results = newResults(4, 0, null);
    /** The state word each request's charge wrote, for {@link KeyedStore#acquireAll} to give it back. */
    long[] charged = new long[4];
    /** What the first pass read; kept so that the reads are not optimised away. */
    long touched;
    private int size;
    /** A key's units are copied here to be fingerprinted a word at a time ({@link Fingerprint}). */
    private final char[] units = new char[SCRATCH_UNITS + Fingerprint.PADDING_UNITS];
    private final MemorySegment unitView = MemorySegment.ofArray(units);

    /** Creates an empty batch. */
    public StoreBatch() {
    }

    /**
     * Removes every request, keeping the arrays for the next gateway request.
     *
     * @return this batch, emptied
     */
    public StoreBatch clear() {
        size = 0;
        return this;
    }

    /**
     * Adds a request for {@code key}, fingerprinted with {@code fingerprint} under {@code seed}.
     *
     * @param fingerprint the store's {@link KeyedStore#fingerprint()}
     * @param seed the key's namespace, from {@link Fingerprint#seed(long)}
     * @param key the key, any length
     * @param permits units the request costs
     * @param limit units per window
     * @param windowNanos the window
     * @return the request's index
     */
    public int add(Fingerprint fingerprint, long seed, String key, long permits, long limit, long windowNanos) {
        int i = grow();
        int length = key.length();
        if (length <= SCRATCH_UNITS) {
            key.getChars(0, length, units, 0);
            unitView.set(ValueLayout.JAVA_LONG_UNALIGNED, 2L * length, 0L);
            unitView.set(ValueLayout.JAVA_LONG_UNALIGNED, 2L * length + 8, 0L);
            hi[i] = fingerprint.of(seed, unitView, length, lo, i);
        } else {
            hi[i] = fingerprint.of(seed, key, lo, i);
        }
        this.permits[i] = permits;
        limits[i] = limit;
        windows[i] = windowNanos;
        return i;
    }

    /**
     * Adds a request for the key whose fingerprint is ({@code keyHi}, {@code keyLo}).
     *
     * @param keyHi the fingerprint's high word, as {@link Fingerprint#of} returns it
     * @param keyLo the fingerprint's low word
     * @param permits units the request costs
     * @param limit units per window
     * @param windowNanos the window
     * @return the request's index
     */
    public int add(long keyHi, long keyLo, long permits, long limit, long windowNanos) {
        int i = grow();
        hi[i] = keyHi;
        lo[i] = keyLo;
        this.permits[i] = permits;
        limits[i] = limit;
        windows[i] = windowNanos;
        return i;
    }

    /** {@return the number of requests} */
    public int size() {
        return size;
    }

    /**
     * Returns the outcome of request {@code i}; valid once {@link KeyedStore#acquire(StoreBatch, long)} has
     * run on this batch, and until the next call to it.
     *
     * @param i a request's index, below {@link #size()}
     * @return its outcome, written by {@link KeyedStore#acquire(StoreBatch, long)}, {@link KeyedStore#acquireAll}
     *     or {@link KeyedStore#peek(StoreBatch, long)}
     * @throws IndexOutOfBoundsException if {@code i} is negative or not below {@link #size()}
     */
    public AcquireResult result(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("request index " + i + " outside 0.." + (size - 1));
        }
        return results[i];
    }

    private int grow() {
        int i = size;
        if (i == hi.length) {
            int n = i * 2;
            hi = java.util.Arrays.copyOf(hi, n);
            lo = java.util.Arrays.copyOf(lo, n);
            permits = java.util.Arrays.copyOf(permits, n);
            limits = java.util.Arrays.copyOf(limits, n);
            windows = java.util.Arrays.copyOf(windows, n);
            charged = java.util.Arrays.copyOf(charged, n);
            results = newResults(n, i, results);
        }
        size = i + 1;
        return i;
    }

    private static AcquireResult[] newResults(int length, int keep, AcquireResult[] old) {
        AcquireResult[] results = new AcquireResult[length];
        for (int i = 0; i < length; i++) {
            results[i] = i < keep ? old[i] : new AcquireResult();
        }
        return results;
    }
}
