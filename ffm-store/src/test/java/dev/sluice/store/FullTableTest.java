package dev.sluice.store;

import static dev.sluice.store.StoreTesting.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A table holding maxKeys live keys: new keys get TABLE_FULL after a bounded search for room. */
class FullTableTest {

    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void aNewKeyAtAFullTableIsRefusedAfterBoundedWorkAndAdmittedOnceKeysExpire(StoreAlgorithm algorithm) {
        int maxKeys = 4096;
        long window = 60 * SECOND;
        long now = 1_000 * SECOND;
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(maxKeys).build()) {
            AcquireResult out = new AcquireResult();
            for (int k = 0; k < maxKeys; k++) {
                assertTrue(store.acquire("live-" + k, 5, window, now, out), "key " + k);
            }
            for (int k = 0; k < 1_000; k++) {
                long before = cursor(store);
                store.acquire("new-" + k, 5, window, now + SECOND, out);
                assertEquals(AcquireStatus.TABLE_FULL, out.status(), "new key " + k);
                long swept = cursor(store) - before;
                assertTrue(swept <= Reclaimer.INSERT_STEP_SLOTS + Reclaimer.FULL_STEPS * Reclaimer.FULL_STEP_SLOTS,
                        "a refusal swept " + swept + " slots of " + store.tableSlots());
            }
            assertEquals(1_000, store.tableFullCount());
            assertTrue(store.acquire("live-7", 5, window, now + SECOND, out), "keys held are still served");
            assertTrue(store.acquire("late", 5, window, now + window + 2 * SECOND, out), "room once keys expired");
        }
    }

    private static long cursor(KeyedStore store) {
        return store.reclaimer.cursorForTest();
    }
}
