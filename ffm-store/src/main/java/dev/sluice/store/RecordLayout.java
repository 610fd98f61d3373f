package dev.sluice.store;

/*
 * A record: one key's bytes and its algorithm state, in a slab of maxKeys records of equal stride.
 *
 *   FIXED_WINDOW, TOKEN_BUCKET
 *    0                8                                          8 + keyArea
 *   +----------------+------------------------------------------+
 *   |  state word    |  key bytes, then zeros to the area's end  |
 *   |  (8, CAS)      |  (keyArea = maxKeyBytes rounded up to 8)  |
 *   +----------------+------------------------------------------+
 *
 *   SLIDING_WINDOW_LOG
 *    0                8               12               16                              16 + keyArea
 *   +----------------+---------------+----------------+--------------------------------+
 *   |  state word    |   ring ref    |   (unused)     |  key bytes, then zeros          |
 *   |  (8, CAS)      |  (4, plain)   |                |                                 |
 *   +----------------+---------------+----------------+--------------------------------+
 *
 *   state word  the algorithm's packed state (StateWordLayout); the only word changed while published
 *   ring ref    [ring slab id (8 bits) | ring index (24 bits)], or -1 while the record has no ring
 *   key bytes   immutable while published. A key never contains a zero byte (KeyBuffer encodes U+0000 as
 *               0xC0 0x80, as modified UTF-8 does), so the record needs no length field: the key is
 *               written followed by zeros up to the end of the 8-byte word after its last byte (or of the
 *               area), and the first zero byte ends it. Keys are compared 8 bytes at a time, the word
 *               holding the byte after the key included. Bytes past that word keep whatever an earlier
 *               owner wrote; no comparison reads them. While the record is free, its first key word holds
 *               the free-list link.
 *
 * Stride = 8 (16 for SLIDING_WINDOW_LOG) + maxKeyBytes rounded up to 8 (at least 8): 40 bytes for keys of
 * up to 32 bytes. Records are 8-byte aligned, so the state word is an aligned long.
 */
final class RecordLayout {
    static final int STATE_OFFSET = 0;
    /** SLIDING_WINDOW_LOG only. */
    static final int RING_REF_OFFSET = 8;
    static final int KEY_OFFSET = 8;
    static final int SLIDING_KEY_OFFSET = 16;
    static final int ALIGNMENT = 8;

    /** Longest key the layout accepts (the key length must also fit the probe and copy arithmetic). */
    static final int MAX_KEY_BYTES = 4096;
    /** Most records in one store: the record index is 32 bits, the slot layout caps the index at 2^31. */
    static final long MAX_RECORDS = 1L << 30;

    private RecordLayout() {
    }

    /** @return where the key bytes start in a record of {@code algorithm}; the free-list link overlays them */
    static int keyOffset(StoreAlgorithm algorithm) {
        return algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG ? SLIDING_KEY_OFFSET : KEY_OFFSET;
    }

    static int keyArea(int maxKeyBytes) {
        return Math.max(8, (maxKeyBytes + 7) & ~7);
    }

    static int stride(StoreAlgorithm algorithm, int maxKeyBytes) {
        return keyOffset(algorithm) + keyArea(maxKeyBytes);
    }

    /**
     * @return the bytes of a record's key area that settle equality with a key of {@code length} bytes: up to
     *     and including the word after the key's last byte, within the area
     */
    static int comparedBytes(int length, int keyArea) {
        return Math.min(keyArea, (length & ~7) + 8);
    }

    static void checkMaxKeyBytes(int maxKeyBytes) {
        if (maxKeyBytes < 1 || maxKeyBytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("maxKeyBytes=" + maxKeyBytes + ": must be between 1 and " + MAX_KEY_BYTES);
        }
    }
}
