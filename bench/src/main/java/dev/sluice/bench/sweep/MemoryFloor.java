package dev.sluice.bench.sweep;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The memory floor of a keyspace size: one dependent random read over a table of as many bytes as the store's
 * tables take for that many keys. No keyed structure can answer a request for a random key of a keyspace that
 * size faster than memory answers one read of a random place in it, so a row's time divided by the floor's says
 * how close to the memory it runs; the store reads one slot per key, so a ratio near 1 at the large sizes is
 * the best to expect.
 *
 * <p>The table is cut into {@link #ELEMENT_BYTES}-byte elements, one cache line each, linked into a single
 * random cycle that visits every element once: the first {@code long} of an element is the byte offset of the
 * next. Following the cycle is a chain of reads each of which needs the one before it (the processor cannot
 * overlap them), over addresses no prefetcher predicts.
 *
 * <p>Not thread-safe.
 */
final class MemoryFloor {
    /** One element per cache line. */
    static final long ELEMENT_BYTES = 64;

    private MemoryFloor() {
    }

    /**
     * Links the first {@code elements} elements of {@code table} into one cycle in a random order: Sattolo's
     * variant of the Fisher-Yates shuffle, which yields a permutation with a single cycle (every element
     * reachable from every other), uniformly among those. In place, nothing on the heap.
     *
     * @param table at least {@code elements × ELEMENT_BYTES} bytes
     * @param elements how many elements, at least 1
     * @param random the source of the order
     */
    static void linkCycle(MemorySegment table, long elements, SplittableRandom random) {
        if (elements < 1 || elements > table.byteSize() / ELEMENT_BYTES) {
            throw new IllegalArgumentException("elements=" + elements + ": must be in [1, " + table.byteSize() / ELEMENT_BYTES
                    + "] for a table of " + table.byteSize() + " bytes");
        }
        for (long i = 0; i < elements; i++) {
            table.set(ValueLayout.JAVA_LONG, i * ELEMENT_BYTES, i * ELEMENT_BYTES);
        }
        // Sattolo: swap element i's successor with that of an element strictly before it (j < i, never j = i),
        // which keeps the permutation a single cycle at every step.
        for (long i = elements - 1; i > 0; i--) {
            long j = random.nextLong(i);
            long a = table.get(ValueLayout.JAVA_LONG, i * ELEMENT_BYTES);
            long b = table.get(ValueLayout.JAVA_LONG, j * ELEMENT_BYTES);
            table.set(ValueLayout.JAVA_LONG, i * ELEMENT_BYTES, b);
            table.set(ValueLayout.JAVA_LONG, j * ELEMENT_BYTES, a);
        }
    }

    /** @return the byte offset of the element after the one at {@code offset}: one dependent read */
    static long next(MemorySegment table, long offset) {
        return table.get(ValueLayout.JAVA_LONG, offset);
    }

    /** @return how many elements a table of {@code bytes} holds */
    static long elements(long bytes) {
        return Math.max(1, bytes / ELEMENT_BYTES);
    }
}
