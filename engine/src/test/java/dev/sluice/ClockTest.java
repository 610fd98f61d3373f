package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.Outcome;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Time (docs/architecture.md): one clock read per request, and explicit times converted to the clock's
 * monotonic timeline, so that they work on the system clock and mix with the clock's own.
 */
class ClockTest {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** A clock that counts how often each of its readings is taken. Its wall clock is 1 000 s ahead. */
    private static final class CountingClock implements Clock {
        final AtomicLong now = new AtomicLong(5 * NANOS_PER_SECOND);
        final AtomicLong monotonicReads = new AtomicLong();
        final AtomicLong otherReads = new AtomicLong();

        @Override
        public long monotonicNanos() {
            monotonicReads.incrementAndGet();
            return now.get();
        }

        public long epochOffsetNanos() {
            otherReads.incrementAndGet();
            return 1_000 * NANOS_PER_SECOND;
        }

        public long epochNanos() {
            otherReads.incrementAndGet();
            return now.get() + 1_000 * NANOS_PER_SECOND;
        }
    }

    @Test
    void everyFormOfCheckReadsTheClockOnce() {
        CountingClock clock = new CountingClock();
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("10/m").build(), clock,
                ScriptedBackend.admitting())) {
            clock.monotonicReads.set(0);
            clock.otherReads.set(0);
            limiter.check("alice", null, null);
            limiter.check("alice", null, null, new Decision());
            limiter.checkAsync("alice", null, null).toCompletableFuture().join();
            assertEquals(List.of(3L, 0L), List.of(clock.monotonicReads.get(), clock.otherReads.get()));
        }
    }

    @Test
    void wallClockTimeIsTheMonotonicReadingPlusTheOffset() {
        CountingClock clock = new CountingClock();
        long[] seen = new long[2];
        ScriptedBackend backend = new ScriptedBackend(b -> {
            seen[0] = b.monotonicNanos();
            seen[1] = b.epochNanos();
            b.allow(0, 1, NANOS_PER_SECOND);
        });
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("10/m").build(), clock, backend)) {
            assertEquals(1_006, limiter.check("alice", null, null).resetEpochSeconds());
            assertEquals(List.of(5 * NANOS_PER_SECOND, 1_005 * NANOS_PER_SECOND), List.of(seen[0], seen[1]));
        }
    }

    @Test
    void explicitTimeIsConvertedToTheMonotonicTimelineWithTheOffset() {
        CountingClock clock = new CountingClock();
        long[] seen = new long[2];
        ScriptedBackend backend = new ScriptedBackend(b -> {
            seen[0] = b.monotonicNanos();
            seen[1] = b.epochNanos();
            b.allow(0, 1, NANOS_PER_SECOND);
        });
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("10/m").build(), clock, backend)) {
            limiter.check("alice", null, null, 1_042 * NANOS_PER_SECOND);
            assertEquals(List.of(42 * NANOS_PER_SECOND, 1_042 * NANOS_PER_SECOND), List.of(seen[0], seen[1]));
        }
    }

    @Test
    void explicitTimesOnTheSystemClockAreLimitedWithTheClocksOwn() {
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("3/d").build())) {
            Decision first = limiter.check("alice", null, null);
            Decision explicit = limiter.check("alice", null, null, System.currentTimeMillis() * 1_000_000L);
            Decision third = limiter.check("alice", null, null);
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED),
                    List.of(first.status(), explicit.status(), third.status()));
            assertEquals(List.of(2L, 1L, 0L), List.of(first.remaining(), explicit.remaining(), third.remaining()));
            assertEquals(Outcome.BLOCKED,
                    limiter.check("alice", null, null, System.currentTimeMillis() * 1_000_000L).status());
        }
    }

    @Test
    void systemClocksWallReadingIsTheWallClockItSampled() {
        long wallNanos = System.currentTimeMillis() * 1_000_000L;
        long derived = Clock.system().epochNanos();
        // Sampled once when the class was initialised; a millisecond wall clock read now lies within a second.
        assertTrue(Math.abs(derived - wallNanos) < NANOS_PER_SECOND, "derived " + derived + ", wall " + wallNanos);
    }

    @Test
    void manualClockIsExact() {
        ManualClock clock = ManualClock.atEpochSeconds(1_000);
        assertEquals(List.of(1_000 * NANOS_PER_SECOND, 1_000 * NANOS_PER_SECOND),
                List.of(clock.monotonicNanos(), clock.epochNanos()));
    }
}
