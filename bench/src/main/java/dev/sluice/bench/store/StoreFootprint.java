package dev.sluice.bench.store;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.lang.management.ManagementFactory;

/**
 * Bytes per key, off-heap and on the heap, for stores filled with 1 million and 10 million 32-byte keys.
 * Run: {@code java --enable-native-access=ALL-UNNAMED -cp <classpath> dev.sluice.bench.store.StoreFootprint}
 */
public final class StoreFootprint {
    private StoreFootprint() {
    }

    public static void main(String[] args) {
        for (StoreAlgorithm algorithm : new StoreAlgorithm[] {StoreAlgorithm.FIXED_WINDOW, StoreAlgorithm.TOKEN_BUCKET}) {
            for (int keys : new int[] {1 << 20, 1_000_000, 10_000_000}) {
                measure(algorithm, keys);
            }
        }
    }

    private static void measure(StoreAlgorithm algorithm, int keys) {
        long heapBefore = usedHeapAfterGc();
        try (KeyedStore store = KeyedStore.builder(algorithm).maxKeys(keys).build()) {
            AcquireResult out = new AcquireResult();
            for (int i = 0; i < keys; i++) {
                store.acquire("tenant:acme:u" + (1_000_000_000_000_000_000L + i), 100, 60_000_000_000L, 1_000, out);
            }
            long heapAfter = usedHeapAfterGc();
            System.out.printf("%-13s keys=%,d size=%,d offHeap=%,d B (%.1f B/key) heapDelta=%,d B (%.3f B/key) tableFull=%d%n",
                    algorithm, keys, store.size(), store.offHeapBytes(), (double) store.offHeapBytes() / keys,
                    heapAfter - heapBefore, (double) (heapAfter - heapBefore) / keys, store.tableFullCount());
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
