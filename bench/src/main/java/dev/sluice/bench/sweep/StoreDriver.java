package dev.sluice.bench.sweep;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyBuffer;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;

/**
 * The one place where the sweep drives the off-heap store directly: building it, one acquire per request, and
 * its accounting. Everything the sweep knows of the store's API is in this class, so that a change of that API
 * is a change here and nowhere else.
 *
 * <p>A store is sized for exactly the keyspace ({@code maxKeys} = keys, at least 1,024) with its default key
 * area; a request's key is {@code user:<number>}, built into one reused buffer, so that these rows measure the
 * store alone (the full limiter's rows take the gateway's identity strings).
 *
 * <p>Not thread-safe.
 */
final class StoreDriver implements AutoCloseable {
    private final KeyedStore store;
    private final KeyBuffer key = new KeyBuffer();
    private final AcquireResult result = new AcquireResult();

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
        return store.acquire(key.clear().appendUtf8("user:").appendDecimal(user), limit, windowNanos, nowNanos, result);
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
