package dev.sluice.store;

import static dev.sluice.store.StoreTesting.SECOND;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key bytes: how {@link KeyBuffer} encodes a key (never a zero byte), and that the store, which keeps no key
 * length and ends a key at its first zero byte, tells apart every pair of keys, prefixes included, also in
 * records reused after longer keys.
 */
class KeyBytesTest {
    private final AcquireResult out = new AcquireResult();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void appendUtf8IsStandardUtf8ForTextWithoutNul(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int n = 0; n < 2_000; n++) {
            String text = randomText(random, random.nextInt(0, 40));
            byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, new KeyBuffer(1).appendUtf8(text).toByteArray(), "seed " + seed + ": " + text);
        }
    }

    @Test
    void nulIsEncodedAsTwoNonZeroBytes() {
        assertArrayEquals(new byte[] {'a', (byte) 0xC0, (byte) 0x80, 'b'}, new KeyBuffer().appendUtf8("a\u0000b").toByteArray());
        assertArrayEquals(new byte[] {(byte) 0xC0, (byte) 0x80}, new KeyBuffer().appendUtf8("\u0000").toByteArray());
    }

    @Test
    void rawZeroBytesAreRefusedNamingThem() {
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class, () -> new KeyBuffer().append((byte) 0));
        assertTrue(single.getMessage().startsWith("value=0"), single.getMessage());
        IllegalArgumentException part = assertThrows(IllegalArgumentException.class,
                () -> new KeyBuffer().append(new byte[] {'a', 'b', 0}));
        assertTrue(part.getMessage().startsWith("part[2]=0"), part.getMessage());
    }

    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void keysThatDifferOnlyByTrailingNulsAreDistinct(StoreAlgorithm algorithm) {
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeyBytes(16).build()) {
            for (String key : List.of("abcdefg", "abcdefg\u0000", "abcdefg\u0000\u0000", "abcdefgh", "")) {
                assertTrue(store.acquire(StoreTesting.key(key), 1, 60 * SECOND, 1000 * SECOND, out), "first of " + key);
            }
            assertEquals(5, store.size());
        }
    }

    /**
     * Keys over a two-letter alphabet, so that most are prefixes of others, at every length up to the
     * longest the store accepts; each key's first request is admitted and its second refused (limit 1).
     * Then every key expires and is reclaimed, and the keys are asked again in another order: records now
     * hold bytes of earlier, often longer, keys past the new key's end.
     */
    @ParameterizedTest(name = "{0}, maxKeyBytes {1}")
    @CsvSource({
        "FIXED_WINDOW, 32", "FIXED_WINDOW, 13", "FIXED_WINDOW, 8", "FIXED_WINDOW, 100",
        "TOKEN_BUCKET, 32", "TOKEN_BUCKET, 20", "SLIDING_WINDOW_LOG, 32", "SLIDING_WINDOW_LOG, 41"})
    void prefixesAndReusedRecordsNeverMatchAnotherKey(StoreAlgorithm algorithm, int maxKeyBytes) {
        long seed = 31L * maxKeyBytes + algorithm.ordinal();
        SplittableRandom random = new SplittableRandom(seed);
        List<String> keys = new ArrayList<>();
        for (int length = 0; length <= maxKeyBytes; length++) {
            for (int k = 0; k < 3; k++) {
                StringBuilder key = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    key.append(random.nextBoolean() ? 'a' : 'b');
                }
                keys.add(key.toString());
            }
        }
        long window = 10 * SECOND;
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(4096).maxKeyBytes(maxKeyBytes)
                .reclaimGraceNanos(0).build()) {
            long now = 1000 * SECOND;
            for (int round = 0; round < 2; round++) {
                Map<String, Integer> asked = new HashMap<>();
                for (int n = 0; n < 4 * keys.size(); n++) {
                    String key = keys.get(random.nextInt(keys.size()));
                    int before = asked.merge(key, 1, Integer::sum) - 1;
                    boolean allowed = store.acquire(StoreTesting.key(key), 1, window, now, out);
                    assertEquals(before == 0, allowed, "seed " + seed + ", round " + round + ", request " + (before + 1)
                            + " of key '" + key + "' (" + key.length() + " bytes)");
                }
                assertEquals(asked.size(), store.size(), "seed " + seed + ": live keys");
                now += window + SECOND;
                assertEquals(asked.size(), store.reclaimExpired(now), "seed " + seed + ": reclaimed");
                assertFalse(store.size() > 0, "seed " + seed + ": keys left after reclaiming");
            }
        }
    }

    private static String randomText(SplittableRandom random, int chars) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chars; i++) {
            switch (random.nextInt(5)) {
                case 0, 1 -> text.append((char) random.nextInt(1, 0x80));
                case 2 -> text.append((char) random.nextInt(0x80, 0x800));
                case 3 -> text.append((char) random.nextInt(0x800, 0xD800));
                default -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
            }
        }
        return text.toString();
    }
}
