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
        KeyBuffer key = new KeyBuffer(4);
        long now = 1_000 * StoreTesting.SECOND + random.nextLong(StoreTesting.SECOND);
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(64).reclaimGraceNanos(random.nextInt(3) * StoreTesting.MS).build()) {
            for (int step = 0; step < 3_000; step++) {
                now += random.nextInt(4) == 0 ? random.nextLong(2_000 * StoreTesting.MS) : random.nextLong(StoreTesting.MS);
                int k = random.nextInt(keys);
                String name = "k" + k + (k % 3 == 0 ? "-é-🚦" : "");
                key.clear().appendUtf8(name);
                store.acquire(key, limits[k], windows[k], now, out);
                ReferenceModel.Outcome expected = model.acquire(name, limits[k], windows[k], now);
                ReferenceModel.Outcome actual = ReferenceModel.Outcome.of(out);
                if (!expected.equals(actual)) {
                    fail("step " + step + " key " + name + " limit " + limits[k] + " window " + windows[k] + " now " + now
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
