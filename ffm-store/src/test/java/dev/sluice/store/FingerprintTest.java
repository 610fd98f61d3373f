package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The keyed fingerprint: a function of the characters and the seed only, and no collisions in practice. */
class FingerprintTest {
    private final long[] lo = new long[1];

    @Test
    void equalKeysHaveEqualFingerprintsWhateverTheStringInstance() {
        Fingerprint f = Fingerprint.seeded(1);
        String a = "alice@example.com";
        String b = new String(a.toCharArray());
        assertEquals(f.of(7, a, lo, 0), f.of(7, b, lo, 0));
    }

    @Test
    void seedsAndSecretsSeparateNamespacesAndStores() {
        Fingerprint f = Fingerprint.seeded(1);
        long user = f.of(f.seed(1), "alice", lo, 0);
        assertNotEquals(user, f.of(f.seed(2), "alice", lo, 0));
        assertNotEquals(user, Fingerprint.seeded(2).of(Fingerprint.seeded(2).seed(1), "alice", lo, 0));
        assertNotEquals(Fingerprint.random().of(0, "alice", lo, 0), Fingerprint.random().of(0, "alice", lo, 0));
    }

    @Test
    void aSeedOfOneWordIsTheTwoWordSeedWithBothWordsEqual() {
        Fingerprint f = Fingerprint.seeded(4);
        long[] other = new long[1];
        assertEquals(f.of(11, "alice", lo, 0), f.of(11, 11, "alice", other, 0));
        assertEquals(lo[0], other[0]);
    }

    /** Chained parts keep their boundaries: "a" then "bc" is not "ab" then "c", nor the parts swapped. */
    @Test
    void chainedPartsDifferWhereverTheirBoundariesDo() {
        Fingerprint f = Fingerprint.seeded(5);
        Set<String> seen = new HashSet<>();
        String[][] keys = {{"a", "bc"}, {"ab", "c"}, {"abc", ""}, {"", "abc"}, {"bc", "a"}, {"a|b", "c"}, {"a", "b|c"}};
        for (String[] parts : keys) {
            long hi = f.of(0, parts[0], lo, 0);
            hi = f.of(hi, lo[0], parts[1], lo, 0);
            assertTrue(seen.add(hi + ":" + lo[0]), "collision at " + String.join(" + ", parts));
        }
    }

    /** Prefixes, trailing U+0000, every length across the 8-unit rounds, non-Latin-1: 128 bits all distinct. */
    @Test
    void adversarialLookingKeysAllDiffer() {
        Fingerprint f = Fingerprint.seeded(3);
        Set<String> seen = new HashSet<>();
        StringBuilder key = new StringBuilder();
        for (int length = 0; length <= 70; length++) {
            for (String tail : new String[] {"", "\u0000", "\u0000\u0000", "\uffff", "\u4e2d"}) {
                String k = key + tail;
                long hi = f.of(0, k, lo, 0);
                assertTrue(seen.add(hi + ":" + lo[0]) || k.isEmpty() && tail.isEmpty(), "collision at \"" + k + "\"");
            }
            key.append((char) ('a' + length % 26));
        }
    }

    /**
     * A batch copies short keys into its scratch and reads them a word at a time; long keys are read from the
     * String. Both must give the String path's fingerprint for every length around the rounds and the
     * scratch's end, Latin-1 or not, and a reused scratch must not leak an earlier, longer key's units.
     */
    @Test
    void aBatchFingerprintsExactlyAsTheStringPath() {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        Fingerprint f = Fingerprint.seeded(seed);
        StoreBatch batch = new StoreBatch();
        for (int trial = 0; trial < 2_000; trial++) {
            int length = trial < StoreBatch.SCRATCH_UNITS + 20 ? trial : random.nextInt(2_000);
            char[] units = new char[length];
            boolean latin1 = random.nextBoolean();
            for (int i = 0; i < length; i++) {
                units[i] = (char) (latin1 ? random.nextInt(256) : random.nextInt(0x10000));
            }
            String key = new String(units);
            long keySeed = random.nextLong();
            long hi = f.of(keySeed, key, lo, 0);
            int i = batch.clear().add(f, keySeed, key, 1, 1, 1);
            assertEquals(hi, batch.hi[i], "seed=" + seed + " length=" + length);
            assertEquals(lo[0], batch.lo[i], "seed=" + seed + " length=" + length);
        }
    }

    @Test
    void aMillionRandomKeysHaveNoCollidingIdentity() {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        Fingerprint f = Fingerprint.seeded(seed);
        Set<Long> his = new HashSet<>();
        Set<Long> los = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            long hi = f.of(0, "user-" + i, lo, 0);
            his.add(hi & SlotLayout.FINGERPRINT_MASK);
            los.add(lo[0]);
        }
        // 48 bits among 10^6 keys: a few birthday pairs are expected; 64 bits: none.
        assertTrue(his.size() > 999_900, "seed=" + seed + ": distinct 48-bit identities " + his.size());
        assertEquals(1_000_000, los.size(), "seed=" + seed + ": distinct check words");
    }
}
