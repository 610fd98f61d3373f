package dev.sluice.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnHeapLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private final OnHeapLimiter.Result out = new OnHeapLimiter.Result();

    @Test
    void fixedWindowAdmitsTheLimitThenRefusesUntilTheWindowEnds() {
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.FIXED_WINDOW, 16);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.acquire("k", 3, SECOND, 1000 + i, out));
            assertEquals(2 - i, out.remaining);
            assertEquals(SECOND - i, out.resetAfterNanos);
        }
        assertFalse(limiter.acquire("k", 3, SECOND, 1003, out));
        assertEquals(0, out.remaining);
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
    void tokenBucketAdmitsItsBurstThenOneRequestPerEmissionInterval() {
        // 30 per minute: a burst of 30, then one token every 2 s (the emission interval, window / limit).
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.TOKEN_BUCKET, 16);
        long minute = 60 * SECOND;
        List<Long> admittedAt = new ArrayList<>();
        for (long t = 0; t < minute; t += MILLI) {
            if (limiter.acquire("k", 30, minute, SECOND + t, out)) {
                admittedAt.add(t);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 30; i++) {
            expected.add(i * MILLI);
        }
        for (long t = 2 * SECOND; t < minute; t += 2 * SECOND) {
            expected.add(t);
        }
        assertEquals(expected, admittedAt);
        assertEquals(59, admittedAt.size());
    }

    @Test
    void tokenBucketRefusalSaysWhenTheNextTokenComes() {
        OnHeapLimiter limiter = new OnHeapLimiter(Algorithm.TOKEN_BUCKET, 16);
        long minute = 60 * SECOND;
        for (int i = 0; i < 30; i++) {
            assertTrue(limiter.acquire("k", 30, minute, SECOND, out));
        }
        assertEquals(0, out.remaining);
        assertEquals(minute, out.resetAfterNanos);
        assertFalse(limiter.acquire("k", 30, minute, SECOND + MILLI, out));
        assertEquals(2 * SECOND - MILLI, out.retryAfterNanos);
        assertEquals(minute - MILLI, out.resetAfterNanos);
    }
}
