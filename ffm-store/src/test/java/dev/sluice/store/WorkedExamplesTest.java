package dev.sluice.store;

import static dev.sluice.store.StoreTesting.MS;
import static dev.sluice.store.StoreTesting.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The specification's worked examples (docs: spec section 4). */
class WorkedExamplesTest {
    private static final long TICK = StateWordLayout.TICK_NANOS;
    private final AcquireResult out = new AcquireResult();

    @Test
    void fixedWindowThreePerMinute() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).build()) {
            String key = StoreTesting.key("user:42");
            long limit = 3;
            long window = 60 * SECOND;
            assertAllowed(store.acquire(key, limit, window, 1000 * SECOND, out), 2);
            assertAllowed(store.acquire(key, limit, window, 1010 * SECOND, out), 1);
            assertAllowed(store.acquire(key, limit, window, 1020 * SECOND, out), 0);
            assertFalse(store.acquire(key, limit, window, 1030 * SECOND, out));
            assertEquals(AcquireStatus.BLOCKED, out.status());
            assertWithinTick(30 * SECOND, out.retryAfterNanos());
            assertWithinTick(30 * SECOND, out.resetAfterNanos());
            assertAllowed(store.acquire(key, limit, window, 1060 * SECOND + TICK, out), 2);
            assertWithinTick(60 * SECOND, out.resetAfterNanos());
        }
    }

    @Test
    void fixedWindowStartsNewWindowAtExactEnd() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).build()) {
            String key = StoreTesting.key("k");
            long end = 1060 * SECOND - (1060 * SECOND) % TICK; // a tick boundary: the window end is exact
            long start = end - 60 * SECOND;
            store.acquire(key, 1, 60 * SECOND, start, out);
            assertFalse(store.acquire(key, 1, 60 * SECOND, start + 60 * SECOND - 1, out));
            assertTrue(store.acquire(key, 1, 60 * SECOND, start + 60 * SECOND, out));
        }
    }

    @Test
    void tokenBucketFirstRequestLeaves29Of30() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.TOKEN_BUCKET).build()) {
            assertAllowed(store.acquire(StoreTesting.key("k"), 30, 60 * SECOND, 1000 * SECOND, out), 29);
            assertEquals(2 * SECOND, out.resetAfterNanos());
        }
    }

    @Test
    void tokenBucketCalledEveryMillisecondStillRefills() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.TOKEN_BUCKET).build()) {
            String key = StoreTesting.key("k");
            int admitted = 0;
            for (long t = 0; t < 60_000; t++) {
                if (store.acquire(key, 30, 60 * SECOND, 1000 * SECOND + t * MS, out)) {
                    admitted++;
                }
            }
            // 30 at once, then one per 2 s emission interval up to t = 59.999 s: tokens 31..59.
            assertEquals(59, admitted);
        }
    }

    @Test
    void tokenBucketOnePerHourPolledEverySecondForTwoHoursAdmitsTwo() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.TOKEN_BUCKET).build()) {
            String key = StoreTesting.key("k");
            int admitted = 0;
            for (long s = 0; s < 2 * 3600; s++) {
                if (store.acquire(key, 1, 3600 * SECOND, 1000 * SECOND + s * SECOND, out)) {
                    admitted++;
                }
            }
            // at 0 s and at 3600 s; the third token would come at 7200 s, after the last poll.
            assertEquals(2, admitted);
        }
    }

    @Test
    void tokenBucketBlockedRetryIsTimeToOneToken() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.TOKEN_BUCKET).build()) {
            String key = StoreTesting.key("k");
            long now = 1000 * SECOND;
            for (int i = 0; i < 3; i++) {
                assertTrue(store.acquire(key, 3, 3 * SECOND, now, out));
            }
            assertFalse(store.acquire(key, 3, 3 * SECOND, now, out));
            assertEquals(SECOND, out.retryAfterNanos());
            assertEquals(SECOND, out.resetAfterNanos(), "a refused bucket resets when its next token arrives");
            assertTrue(store.acquire(key, 3, 3 * SECOND, now + SECOND, out));
        }
    }

    @Test
    void slidingLogAdmitsFiveNotTenAcrossHalfSecond() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.SLIDING_WINDOW_LOG).build()) {
            String key = StoreTesting.key("k");
            int admitted = 0;
            for (int i = 0; i < 5; i++) {
                admitted += store.acquire(key, 5, SECOND, 1000 * SECOND, out) ? 1 : 0;
            }
            for (int i = 0; i < 5; i++) {
                admitted += store.acquire(key, 5, SECOND, 1000 * SECOND + SECOND / 2, out) ? 1 : 0;
            }
            assertEquals(5, admitted);
            assertEquals(SECOND / 2, out.retryAfterNanos());
            assertTrue(store.acquire(key, 5, SECOND, 1001 * SECOND, out));
            assertEquals(4, out.remaining());
        }
    }

    @Test
    void slidingLogEmptyResetIsWholeWindow() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.SLIDING_WINDOW_LOG).build()) {
            assertAllowed(store.acquire(StoreTesting.key("k"), 5, SECOND, 1000 * SECOND, out), 4);
            assertEquals(SECOND, out.resetAfterNanos());
        }
    }

    private void assertAllowed(boolean allowed, long remaining) {
        assertTrue(allowed, "allowed");
        assertEquals(AcquireStatus.ALLOWED, out.status());
        assertEquals(remaining, out.remaining(), "remaining");
        assertEquals(0, out.retryAfterNanos(), "retryAfterNanos");
    }

    private static void assertWithinTick(long expectedNanos, long actualNanos) {
        assertTrue(actualNanos <= expectedNanos && actualNanos > expectedNanos - TICK,
                "expected " + expectedNanos + " (- less than one " + TICK + " ns tick) but was " + actualNanos);
    }
}
