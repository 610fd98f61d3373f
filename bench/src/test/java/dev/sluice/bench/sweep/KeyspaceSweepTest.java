package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The sweep skips a size that its last size's bytes per key say would not fit. */
class KeyspaceSweepTest {
    private static final long GIB = 1L << 30;

    private static KeyspaceSweep.Row tenMillion(double offHeapPerKey, double heapPerKey) {
        return new KeyspaceSweep.Row("impl", 10_000_000, 400, 900, 2000, offHeapPerKey, heapPerKey, 0, 0, 20, "");
    }

    @Test
    void offHeapThatFitsTheAvailableMemoryIsMeasured() {
        assertNull(KeyspaceSweep.memoryShortfall(tenMillion(56, 0), 100_000_000, 16 * GIB, GIB, 20 * GIB));
    }

    @Test
    void offHeapBeyondTheAvailableMemoryIsSkipped() {
        assertEquals("skipped: would need about 5.2 GiB more memory, 6.0 GiB available",
                KeyspaceSweep.memoryShortfall(tenMillion(56, 0), 100_000_000, 16 * GIB, GIB, 6 * GIB));
    }

    @Test
    void heapBeyondTheMaximumHeapIsSkipped() {
        assertEquals("skipped: would need about 14.9 GiB of heap, the JVM may use 12.0 GiB (-Xmx)",
                KeyspaceSweep.memoryShortfall(tenMillion(0, 160), 100_000_000, 12 * GIB, GIB, 20 * GIB));
    }

    @Test
    void heapTheJvmAlreadyHoldsIsNotCountedTwice() {
        // 7.5 GiB of heap, 6 GiB of it already committed: 1.5 GiB more, within 80% of 2 GiB available.
        assertNull(KeyspaceSweep.memoryShortfall(tenMillion(0, 80), 100_000_000, 16 * GIB, 6 * GIB, 2 * GIB));
    }

    @Test
    void unknownAvailableMemoryGuardsOnlyTheHeap() {
        assertNull(KeyspaceSweep.memoryShortfall(tenMillion(56, 0), 100_000_000, 16 * GIB, GIB, -1));
    }
}
