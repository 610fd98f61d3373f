package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
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
