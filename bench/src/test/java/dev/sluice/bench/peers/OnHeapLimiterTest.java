package dev.sluice.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import org.junit.jupiter.api.Test;

class OnHeapLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final OnHeapLimiter.Result out = new OnHeapLimiter.Result();

    @Test
    void fixedWindowAdmitsTheLimitThenRefusesUntilTheWindowEnds() {
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.FIXED_WINDOW, 16);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.acquire("k", 3, SECOND, 1000 + i, out));
        }
        assertFalse(limiter.acquire("k", 3, SECOND, 1003, out));
        assertEquals(SECOND - 3, out.retryAfterNanos);
        assertTrue(limiter.acquire("k", 3, SECOND, 1000 + SECOND, out));
    }

    @Test
    void slidingLogHasNoBoundaryBurst() {
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.SLIDING_WINDOW, 16);
        int admitted = 0;
        for (int i = 0; i < 5; i++) {
            admitted += limiter.acquire("k", 5, SECOND, 1000 * SECOND, out) ? 1 : 0;
            admitted += limiter.acquire("k", 5, SECOND, 1000 * SECOND + SECOND / 2, out) ? 1 : 0;
        }
        assertEquals(5, admitted);
    }

    @Test
    void tokenBucketRefillsWhenPolledOften() {
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.TOKEN_BUCKET, 16);
        long minute = 60 * SECOND;
        int admitted = 0;
        for (long t = 0; t < minute; t += 1_000_000) {
            admitted += limiter.acquire("k", 30, minute, SECOND + t, out) ? 1 : 0;
        }
        assertTrue(admitted >= 59 && admitted <= 61, "admitted " + admitted);
    }
}
