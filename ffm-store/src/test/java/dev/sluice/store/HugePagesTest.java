package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which tables are mapped with transparent huge pages, and that a mapped store behaves as any other. */
class HugePagesTest {
    private static final long MIB_2 = NativeMemory.HUGE_PAGE_BYTES;

    @Test
    void largeTablesAreAdvisedWholeHugePagesWhenTheJvmMayAsk() throws IOException {
        assumeTrue(NativeMemory.hugePagesSupported(), "needs Linux and native access for this module");
        assumeTrue(transparentHugePagesAllowed(), "transparent huge pages are off on this machine");
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1 << 17).build()) {
            long tableBytes = store.tableSlots() * SlotLayout.SLOT_BYTES;
            assertEquals(roundUp(tableBytes), store.hugePageBytes());
            chargeEveryKeyOnceThenBlock(store);
        }
    }

    @Test
    void tablesSmallerThanOneHugePageComeFromTheArena() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.TOKEN_BUCKET).maxKeys(1024).build()) {
            assertEquals(0, store.hugePageBytes());
        }
    }

    @Test
    void hugePagesOffLeavesLargeTablesToTheArena() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1 << 17).hugePages(false).build()) {
            assertEquals(0, store.hugePageBytes());
            chargeEveryKeyOnceThenBlock(store);
        }
    }

    /** Every slot of a mapped table is readable, writable and starts zeroed. */
    private static void chargeEveryKeyOnceThenBlock(KeyedStore store) {
        AcquireResult out = new AcquireResult();
        long keys = store.capacity();
        for (long k = 0; k < keys; k++) {
            long i = k;
            assertTrue(store.acquire("key-" + i, 1, StoreTesting.SECOND,
                    StoreTesting.SECOND, out), () -> "first request of key-" + i + " was refused: " + out.status());
        }
        assertEquals(keys, store.size());
        for (long i = 0; i < keys; i += 997) {
            assertEquals(AcquireStatus.BLOCKED, acquire(store, "key-" + i, out));
        }
    }

    private static AcquireStatus acquire(KeyedStore store, String key, AcquireResult out) {
        store.acquire(key, 1, StoreTesting.SECOND, StoreTesting.SECOND + 1, out);
        return out.status();
    }

    private static boolean transparentHugePagesAllowed() throws IOException {
        Path enabled = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        return Files.isReadable(enabled) && !Files.readString(enabled).contains("[never]");
    }

    private static long roundUp(long bytes) {
        return (bytes + MIB_2 - 1) / MIB_2 * MIB_2;
    }
}
