package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
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

    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void peekResetAndAcquireAllMatchReferenceModel(StoreAlgorithm algorithm) {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        try {
            for (int round = 0; round < 20; round++) {
                runMixedRound(algorithm, new SplittableRandom(seed + round));
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed=" + seed + " (replay with -Dsluice.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    /**
     * Acquires, peeks, resets and all-or-nothing batches interleaved, each through its fingerprint, String
     * or batch form, every answer compared with the model's.
     */
    private static void runMixedRound(StoreAlgorithm algorithm, SplittableRandom random) {
        int keys = 1 + random.nextInt(20);
        long[] limits = new long[keys];
        long[] windows = new long[keys];
        for (int k = 0; k < keys; k++) {
            limits[k] = 1 + random.nextInt(random.nextBoolean() ? 5 : 50);
            windows[k] = StoreTesting.MS * (1 + random.nextInt(random.nextBoolean() ? 100 : 5000));
        }
        ReferenceModel model = new ReferenceModel(algorithm);
        AcquireResult out = new AcquireResult();
        StoreBatch batch = new StoreBatch();
        long now = 1_000 * StoreTesting.SECOND + random.nextLong(StoreTesting.SECOND);
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(64).reclaimGraceNanos(random.nextInt(3) * StoreTesting.MS).build()) {
            for (int step = 0; step < 3_000; step++) {
                now += random.nextInt(4) == 0 ? random.nextLong(2_000 * StoreTesting.MS) : random.nextLong(StoreTesting.MS);
                int k = random.nextInt(keys);
                String name = "k" + k;
                long permits = random.nextInt(3) == 0 ? 1 + random.nextLong(limits[k]) : 1;
                long hi = store.fingerprint().of(0, name, out.lo, 0);
                long lo = out.lo[0];
                String where = "step " + step + " key " + name + " permits " + permits + " limit " + limits[k] + " window "
                        + windows[k] + " now " + now + ": ";
                int op = random.nextInt(20);
                if (op < 8) {
                    store.acquire(hi, lo, permits, limits[k], windows[k], now, out);
                    assertEquals(model.acquire(name, permits, limits[k], windows[k], now), ReferenceModel.Outcome.of(out), where + "acquire");
                } else if (op < 11) {
                    boolean single = random.nextBoolean();
                    if (single) {
                        store.peek(name, limits[k], windows[k], now, out);
                    } else {
                        store.peek(hi, lo, permits, limits[k], windows[k], now, out);
                    }
                    assertEquals(model.peek(name, single ? 1 : permits, limits[k], windows[k], now), ReferenceModel.Outcome.of(out), where + "peek");
                } else if (op < 12) {
                    boolean live = random.nextBoolean() ? store.reset(name, now) : store.reset(hi, lo, now);
                    assertEquals(model.reset(name, now), live, where + "reset");
                } else if (op < 13) {
                    batch.clear();
                    List<String> names = new ArrayList<>();
                    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                        int key = random.nextInt(keys);
                        names.add("k" + key);
                        batch.add(store.fingerprint(), 0, "k" + key, 1, limits[key], windows[key]);
                    }
                    int live = store.reset(batch, now);
                    int expected = 0;
                    for (String n : names) {
                        expected += model.reset(n, now) ? 1 : 0;
                    }
                    assertEquals(expected, live, where + "reset batch " + names);
                } else if (op < 15) {
                    batch.clear();
                    List<ReferenceModel.Request> requests = new ArrayList<>();
                    addRequests(random, keys, limits, windows, store, batch, requests);
                    store.peek(batch, now);
                    for (int i = 0; i < requests.size(); i++) {
                        ReferenceModel.Request r = requests.get(i);
                        assertEquals(model.peek(r.key(), r.permits(), r.limit(), r.windowNanos(), now),
                                ReferenceModel.Outcome.of(batch.result(i)), where + "peek batch " + requests + " at " + i);
                    }
                } else {
                    batch.clear();
                    List<ReferenceModel.Request> requests = new ArrayList<>();
                    addRequests(random, keys, limits, windows, store, batch, requests);
                    ReferenceModel.Outcome[] expected = new ReferenceModel.Outcome[requests.size()];
                    int refused = model.acquireAll(requests, now, expected);
                    assertEquals(refused, store.acquireAll(batch, now), where + "acquireAll " + requests);
                    for (int i = 0; i < requests.size(); i++) {
                        assertEquals(expected[i], ReferenceModel.Outcome.of(batch.result(i)), where + "acquireAll " + requests + " at " + i);
                    }
                }
                if (random.nextInt(50) == 0) {
                    store.reclaimExpired(now, 1 + random.nextInt(200));
                }
            }
            assertEquals(0, store.tableFullCount(), "tableFullCount");
        }
    }

    /** Two to four requests, a key sometimes named twice, permits sometimes above one. */
    private static void addRequests(SplittableRandom random, int keys, long[] limits, long[] windows, KeyedStore store,
            StoreBatch batch, List<ReferenceModel.Request> requests) {
        for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
            int key = random.nextInt(keys);
            long permits = random.nextInt(3) == 0 ? 1 + random.nextLong(limits[key]) : 1;
            batch.add(store.fingerprint(), 0, "k" + key, permits, limits[key], windows[key]);
            requests.add(new ReferenceModel.Request("k" + key, permits, limits[key], windows[key]));
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
