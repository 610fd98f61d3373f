package dev.sluice.store;

import static dev.sluice.store.StoreTesting.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Years of uptime: stored times are truncated to a 2^56 ns (2.28-year) period, so a limiter that runs for
 * three years crosses it. Every decision is checked against the whole-time model.
 */
class TimeHasNoEndTest {
    private static final long HOUR = 3_600 * SECOND;
    private static final long DAY = 24 * HOUR;
    private static final long THREE_YEARS = 3 * 365 * DAY;

    /** Busy keys every few hours for three years, and keys that come back after months away. */
    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void threeYearsOfTrafficKeepExactDecisions(StoreAlgorithm algorithm) {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        ReferenceModel model = new ReferenceModel(algorithm);
        AcquireResult out = new AcquireResult();
        long start = random.nextLong();
        long now = start;
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(64).build()) {
            for (int step = 0; now - start < THREE_YEARS; step++) {
                now += random.nextInt(10) == 0 ? random.nextLong(60 * DAY) : random.nextLong(6 * HOUR);
                for (int burst = random.nextInt(8); burst >= 0; burst--) {
                    now += random.nextLong(10 * SECOND);
                    String key = "k" + random.nextInt(20);
                    long limit = 3 + (key.hashCode() & 7);
                    long window = key.hashCode() % 2 == 0 ? 60 * SECOND : 7 * DAY;
                    store.acquire(key, limit, window, now, out);
                    ReferenceModel.Outcome expected = model.acquire(key, limit, window, now);
                    assertEquals(expected, ReferenceModel.Outcome.of(out),
                            "seed=" + seed + " (replay with -Dsluice.seed=" + seed + ") step " + step + " key " + key
                                    + " at " + (now - start) / DAY + " days");
                }
            }
        }
    }

    /**
     * A key idle for exactly one period of the truncated clock, less half its window, while nothing else
     * happens: its old state would read back as the current window if nothing had swept it.
     */
    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void aKeyIdleForOnePeriodOfTheTruncatedClockStartsAfresh(StoreAlgorithm algorithm) {
        long window = 60 * SECOND;
        long start = 123_456_789L;
        try (KeyedStore store = StoreTesting.builder(algorithm).build()) {
            AcquireResult out = new AcquireResult();
            for (int i = 0; i < 4; i++) {
                store.acquire("idle", 3, window, start, out);
            }
            assertEquals(AcquireStatus.BLOCKED, out.status());
            store.acquire("idle", 3, window, start + StateWordLayout.TIME_PERIOD_NANOS - window / 2, out);
            assertEquals(AcquireStatus.ALLOWED, out.status());
            assertEquals(2, out.remaining());
        }
    }
}
