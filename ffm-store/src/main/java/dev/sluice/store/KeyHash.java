package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** A seeded 64-bit hash of key bytes (multiply-rotate per 8 bytes, murmur3's fmix64 at the end). Stateless. */
final class KeyHash {
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long C1 = 0x87C3_7B91_1142_53D5L;
    private static final long C2 = 0x4CF5_AD43_2745_937FL;

    private KeyHash() {
    }

    static long hash(long seed, MemorySegment bytes, int length) {
        long h = seed ^ (length * 0x9E37_79B9_7F4A_7C15L);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = Long.rotateLeft(h ^ (bytes.get(LONG_LE, i) * C1), 31) * C2;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (bytes.get(ValueLayout.JAVA_BYTE, i) & 0xFFL) << shift;
        }
        h = Long.rotateLeft(h ^ (tail * C1), 31) * C2;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }
}
