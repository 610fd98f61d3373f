package dev.sluice.store;


/**
 * A keyed 64-bit hash of key bytes, after wyhash (Wang Yi): 16 bytes per 64x64->128-bit multiply, folded
 * with xor. Stateless; the two keys come from the store's seed ({@link #key0}, {@link #key1}).
 *
 * <p>Why this shape: the request path hashes every key, and a hash that chains one multiply per 8 bytes
 * (multiply-rotate) is a serial chain of about 5 cycles per word plus the finalizer. Here the two words
 * of a 16-byte block are multiplied together in one step, so a key of up to 32 bytes costs two or three
 * dependent multiplies. The words are xored with seed-derived keys before they are multiplied, so nobody who
 * does not know the seed can choose a key word that zeroes a product.
 *
 * <p>Reads 8 bytes at a time, the last partial word too: {@link KeyBuffer} keeps its backing array a
 * multiple of 8 bytes long, so the word that holds the last byte is always inside it; the bytes past the
 * key are masked off (they count as zeros, and the length is mixed in).
 */
final class KeyHash {
    private static final long P0 = 0x2D35_8DCC_AA6C_78A5L;
    private static final long P1 = 0x8BB8_4B93_962E_ACC9L;

    private KeyHash() {
    }

    static long key0(long seed) {
        return fmix64(seed ^ P0);
    }

    static long key1(long seed) {
        return fmix64(seed ^ P1);
    }

    /**
     * @param bytes holds the key from index 0, and is at least {@code length} rounded up to 8 bytes long
     */
    static long hash(long key0, long key1, byte[] bytes, int length) {
        long s = key0;
        int i = 0;
        for (; length - i > 16; i += 16) {
            s = mix(MemoryOrder.getKeyWord(bytes, i) ^ key1, MemoryOrder.getKeyWord(bytes, i + 8) ^ s);
        }
        long a = word(bytes, i, length) ^ key1;
        long b = word(bytes, i + 8, length) ^ s;
        return mix(a * b ^ key0 ^ length, Math.unsignedMultiplyHigh(a, b) ^ key1);
    }

    /**
     * The key word at {@code offset}, with the bytes at or past {@code length} as zeros; reads the array only
     * below {@code length} rounded up to 8.
     */
    static long word(byte[] bytes, int offset, int length) {
        int left = length - offset;
        if (left >= 8) {
            return MemoryOrder.getKeyWord(bytes, offset);
        }
        return left <= 0 ? 0 : MemoryOrder.getKeyWord(bytes, offset) & lowBytesMask(left);
    }

    private static long mix(long a, long b) {
        return a * b ^ Math.unsignedMultiplyHigh(a, b);
    }

    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** The mask of the first {@code bytes} (1 to 7) bytes of a little-endian key word. */
    static long lowBytesMask(int bytes) {
        return (1L << (bytes << 3)) - 1;
    }
}
