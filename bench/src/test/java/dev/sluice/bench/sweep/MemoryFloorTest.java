package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The floor's chain of reads is one cycle through every element of its table. */
class MemoryFloorTest {
    /**
     * Follows the chain from element 0 until it comes back, and checks it visited each element exactly once and
     * only element starts.
     */
    private static void assertOneCycleThroughEveryElement(MemorySegment table, long elements) {
        BitSet seen = new BitSet((int) elements);
        long offset = 0;
        for (long step = 0; step < elements; step++) {
            assertEquals(0, offset % MemoryFloor.ELEMENT_BYTES, "offset " + offset + " is not an element's start");
            int element = (int) (offset / MemoryFloor.ELEMENT_BYTES);
            assertTrue(element >= 0 && element < elements, "element " + element + " outside the table");
            assertTrue(!seen.get(element), "element " + element + " visited twice, after " + step + " steps");
            seen.set(element);
            offset = MemoryFloor.next(table, offset);
        }
        assertEquals(0, offset, "the chain does not come back to its start after " + elements + " steps");
        assertEquals(elements, seen.cardinality());
    }

    @ParameterizedTest(name = "{0} elements")
    @ValueSource(longs = {1, 2, 3, 7, 64, 1_000, 65_537})
    void linksEveryElementIntoOneCycle(long elements) {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocate(elements * MemoryFloor.ELEMENT_BYTES, MemoryFloor.ELEMENT_BYTES);
            MemoryFloor.linkCycle(table, elements, new SplittableRandom(seed));
            assertOneCycleThroughEveryElement(table, elements);
        } catch (AssertionError e) {
            throw new AssertionError("seed=" + seed + " (replay with -Dsluice.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    @Test
    void theOrderIsNotTheTablesOrder() {
        long elements = 1_000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocate(elements * MemoryFloor.ELEMENT_BYTES, MemoryFloor.ELEMENT_BYTES);
            MemoryFloor.linkCycle(table, elements, new SplittableRandom(1));
            int sequential = 0;
            long offset = 0;
            for (long step = 0; step < elements; step++) {
                long next = MemoryFloor.next(table, offset);
                sequential += next == offset + MemoryFloor.ELEMENT_BYTES ? 1 : 0;
                offset = next;
            }
            assertTrue(sequential < 10, sequential + " of 1,000 steps go to the next element in memory");
        }
    }

    @Test
    void aTableFitsAsManyElementsAsItHasCacheLines() {
        assertEquals(1, MemoryFloor.elements(1));
        assertEquals(1, MemoryFloor.elements(127));
        assertEquals(56_000_000 / 64, MemoryFloor.elements(56_000_000));
    }

    @Test
    void refusesMoreElementsThanTheTableHolds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocate(128, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MemoryFloor.linkCycle(table, 3, new SplittableRandom(1)));
            assertEquals("elements=3: must be in [1, 2] for a table of 128 bytes", e.getMessage());
        }
    }
}
