package dev.sluice.store;

/*
 * A record: one key's bytes and its algorithm state, in a slab of maxKeys records of equal stride.
 *
 *    0                8               12               16                              16 + keyArea
 *   +----------------+---------------+----------------+--------------------------------+
 *   |  state word    |  key length   |   ring ref     |  key bytes (UTF-8), then slack  |
 *   |  (8, CAS)      |  (4, plain)   |  (4, plain)    |  (keyArea = maxKeyBytes to 8)   |
 *   +----------------+---------------+----------------+--------------------------------+
 *
 *   state word  the algorithm's packed state (StateWordLayout); the only word changed while published
 *   key length  bytes of the key; immutable while the record is published
 *   ring ref    SLIDING_WINDOW_LOG only: [ring slab id (8 bits) | ring index (24 bits)]; else -1
 *   key bytes   immutable while published. While the record is free, bytes 16..23 hold the free-list link.
 *               The slack after the key keeps whatever the previous owner wrote: keys are compared in
 *               8-byte words with the bytes past the key length masked off.
 *
 * Stride = 16 + maxKeyBytes rounded up to 8 (at least 8): 48 bytes for keys of up to 32 bytes.
 * Records are 8-byte aligned, so the state word is an aligned long.
 */
final class RecordLayout {
    static final int STATE_OFFSET = 0;
    static final int KEY_LENGTH_OFFSET = 8;
    static final int RING_REF_OFFSET = 12;
    static final int KEY_OFFSET = 16;
    /** While free, the free-list link overlays the first key bytes. */
    static final int FREE_LINK_OFFSET = KEY_OFFSET;
    static final int HEADER_BYTES = 16;
    static final int ALIGNMENT = 8;

    /** Longest key the layout accepts (the key length must also fit the probe and copy arithmetic). */
    static final int MAX_KEY_BYTES = 4096;
    /** Most records in one store: the record index is 32 bits, the slot layout caps the index at 2^31. */
    static final long MAX_RECORDS = 1L << 30;

    private RecordLayout() {
    }

    static int keyArea(int maxKeyBytes) {
        return Math.max(8, (maxKeyBytes + 7) & ~7);
    }

    static int stride(int maxKeyBytes) {
        return HEADER_BYTES + keyArea(maxKeyBytes);
    }

    static void checkMaxKeyBytes(int maxKeyBytes) {
        if (maxKeyBytes < 1 || maxKeyBytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("maxKeyBytes=" + maxKeyBytes + ": must be between 1 and " + MAX_KEY_BYTES);
        }
    }
}
