package dev.sluice.bench.sweep;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;

/**
 * The one place where the sweep drives the off-heap store directly: building it, one acquire per request, and
 * its accounting. Everything the sweep knows of the store's API is in this class, so that a change of that API
 * is a change here and nowhere else.
 *
 * <p>A store is sized for exactly the keyspace ({@code maxKeys} = keys, at least 1,024). Its keys are filled as
 * the strings {@code user:<number>}; the measured requests then use those keys' fingerprints, computed once
 * before the measurement ({@link #useDraws}), so that these rows measure the store alone: one lookup and one
 * CAS on its table, beside the memory floor (the full limiter's rows hash the gateway's identity strings).
 *
 * <p>Not thread-safe.
 */
final class StoreDriver implements AutoCloseable {
    private final KeyedStore store;
    private final AcquireResult result = new AcquireResult();
    private long[] drawHi = new long[0];
    private long[] drawLo = new long[0];

    /**
     * @param tokenBucket the token bucket if true, else the fixed window
     * @param keys the keyspace the store is sized for
     */
    StoreDriver(boolean tokenBucket, long keys) {
        StoreAlgorithm algorithm = tokenBucket ? StoreAlgorithm.TOKEN_BUCKET : StoreAlgorithm.FIXED_WINDOW;
        this.store = KeyedStore.builder(algorithm).maxKeys(Math.max(keys, 1024)).build();
    }

    /** Charges one request to user {@code user}'s key; true when admitted. */
    boolean acquire(long user, long limit, long windowNanos, long nowNanos) {
        return store.acquire("user:" + user, limit, windowNanos, nowNanos, result);
    }

    /** Fingerprints the keys of {@code draws} (user numbers), for {@link #acquireDraw}. */
    void useDraws(int[] draws) {
        drawHi = new long[draws.length];
        drawLo = new long[draws.length];
        for (int i = 0; i < draws.length; i++) {
            drawHi[i] = store.fingerprint().of(0, "user:" + draws[i], drawLo, i);
        }
    }

    /** Charges one request to the key of draw {@code d} (see {@link #useDraws}); true when admitted. */
    boolean acquireDraw(int d, long limit, long windowNanos, long nowNanos) {
        return store.acquire(drawHi[d], drawLo[d], 1, limit, windowNanos, nowNanos, result);
    }

    /** @return off-heap bytes the store allocated: its tables, capacity included */
    long offHeapBytes() {
        return store.offHeapBytes();
    }

    /** @return requests that found the table full since the store was built */
    long tableFullCount() {
        return store.tableFullCount();
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * @param keys a keyspace size
     * @return the bytes of the fixed-window store's tables for that many keys: the size of the memory floor's
     *     table
     */
    static long tableBytes(long keys) {
        try (StoreDriver empty = new StoreDriver(false, keys)) {
            return empty.offHeapBytes();
        }
    }

    /** @return whether the store's tables get transparent huge pages in this JVM (a probe store says) */
    static boolean hugePages() {
        try (KeyedStore probe = KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1 << 16).build()) {
            return probe.hugePageBytes() > 0;
        }
    }
}
