package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Randomized sequences over many keys, checked call by call against {@link ReferenceModel}. */
class ModelConformanceTest {

    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void matchesReferenceModelOnRandomSequences(StoreAlgorithm algorithm) {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        try {
            for (int round = 0; round < 20; round++) {
                runRound(algorithm, new SplittableRandom(seed + round));
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed=" + seed + " (replay with -Dsluice.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void runRound(StoreAlgorithm algorithm, SplittableRandom random) {
        int keys = 1 + random.nextInt(60);
        long[] limits = new long[keys];
        long[] windows = new long[keys];
        for (int k = 0; k < keys; k++) {
            limits[k] = 1 + random.nextInt(random.nextBoolean() ? 5 : 50);
            windows[k] = StoreTesting.MS * (1 + random.nextInt(random.nextBoolean() ? 100 : 5000));
        }
        ReferenceModel model = new ReferenceModel(algorithm);
        AcquireResult out = new AcquireResult();
        // Clocks start anywhere a nanosecond clock can read: near zero, below zero, just before a 2^56 ns
        // period of the stored times ends, and just before a long itself wraps.
        long[] starts = {1_000 * StoreTesting.SECOND, -5 * StoreTesting.SECOND, (1L << 56) - 10 * StoreTesting.SECOND,
            Long.MAX_VALUE - 10 * StoreTesting.SECOND};
        long now = starts[random.nextInt(starts.length)] + random.nextLong(StoreTesting.SECOND);
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(64).reclaimGraceNanos(random.nextInt(3) * StoreTesting.MS).build()) {
            for (int step = 0; step < 3_000; step++) {
                now += random.nextInt(4) == 0 ? random.nextLong(2_000 * StoreTesting.MS) : random.nextLong(StoreTesting.MS);
                int k = random.nextInt(keys);
                String name = "k" + k + (k % 3 == 0 ? "-é-🚦" : "");
                long permits = random.nextInt(4) == 0 ? 1 + random.nextLong(limits[k]) : 1;
                long hi = store.fingerprint().of(0, name, out.lo, 0);
                store.acquire(hi, out.lo[0], permits, limits[k], windows[k], now, out);
                ReferenceModel.Outcome expected = model.acquire(name, permits, limits[k], windows[k], now);
                ReferenceModel.Outcome actual = ReferenceModel.Outcome.of(out);
                if (!expected.equals(actual)) {
                    fail("step " + step + " key " + name + " permits " + permits + " limit " + limits[k] + " window " + windows[k] + " now " + now
                            + ": expected " + expected + " but was " + actual);
                }
                if (random.nextInt(50) == 0) {
                    store.reclaimExpired(now, 1 + random.nextInt(200));
                }
            }
            assertEquals(0, store.tableFullCount(), "tableFullCount");
        }
    }
}
