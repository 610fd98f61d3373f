package dev.sluice.store;

/*
 * The index: a power-of-two array of 8-byte control words, one per slot, probed linearly (Agrona style).
 *
 *    63 62 61                     48 47                     32 31                                     0
 *   +-----+-------------------------+-------------------------+----------------------------------------+
 *   |state|   generation (14 bits)  |   hash tag (16 bits)    |          record index (32 bits)        |
 *   +-----+-------------------------+-------------------------+----------------------------------------+
 *
 *   state      00 FREE, 01 PENDING (a claimed key being checked for duplicates), 10 LIVE
 *   generation incremented by every transition of the slot, so a stale CAS on an old word always fails
 *              (it would need 16,384 transitions of one slot between a thread's read and its CAS)
 *   hash tag   bits 63..48 of the key's hash: most mismatches are rejected without touching the record
 *   record     index of the record (RecordLayout) that holds the key bytes and the state word
 *
 * A FREE word keeps its generation and has zero tag and record. A fresh index is all zeros: FREE, gen 0.
 *
 * Capacity: the smallest power of two >= 2 * maxKeys (load factor at most 0.5), at least PROBE_WINDOW.
 * A key lives within PROBE_WINDOW slots of its home slot (hash & mask); lookups of absent keys read the
 * whole window, so deleting a key can make its slot FREE directly (no tombstones, no chains to repair).
 */
final class SlotLayout {
    /** Bytes per slot. */
    static final int SLOT_BYTES = 8;
    /** Alignment of the index segment (one cache line). */
    static final int ALIGNMENT = 64;
    /** Slots a key may be placed from its home slot; lookups of absent keys read this many. */
    static final int PROBE_WINDOW = 64;

    static final int STATE_SHIFT = 62;
    static final int GENERATION_SHIFT = 48;
    static final int GENERATION_BITS = 14;
    static final int TAG_SHIFT = 32;
    static final int TAG_BITS = 16;

    static final long STATE_FREE = 0L;
    static final long STATE_PENDING = 1L;
    static final long STATE_LIVE = 2L;

    private static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
    private static final long TAG_MASK = (1L << TAG_BITS) - 1;

    /** The state and tag bits of a word: a lookup tests both with one comparison. */
    static final long STATE_AND_TAG_MASK = (3L << STATE_SHIFT) | (TAG_MASK << TAG_SHIFT);

    /** The largest index: 2^31 slots (16 GiB of control words). */
    static final long MAX_SLOTS = 1L << 31;

    private SlotLayout() {
    }

    static long slotsFor(long maxKeys) {
        long wanted = Math.max(PROBE_WINDOW, maxKeys * 2);
        long slots = Long.highestOneBit(wanted);
        if (slots < wanted) {
            slots <<= 1;
        }
        if (slots > MAX_SLOTS) {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + ": needs " + slots + " index slots, above " + MAX_SLOTS);
        }
        return slots;
    }

    static long offset(long slot) {
        return slot * SLOT_BYTES;
    }

    static long state(long word) {
        return word >>> STATE_SHIFT;
    }

    static long generation(long word) {
        return (word >>> GENERATION_SHIFT) & GENERATION_MASK;
    }

    static int tag(long word) {
        return (int) ((word >>> TAG_SHIFT) & TAG_MASK);
    }

    static int tagOf(long hash) {
        return (int) (hash >>> 48);
    }

    /** The state and tag bits of a LIVE word with {@code tag}; compare with {@code word & STATE_AND_TAG_MASK}. */
    static long liveWithTag(int tag) {
        return (STATE_LIVE << STATE_SHIFT) | ((tag & TAG_MASK) << TAG_SHIFT);
    }

    static int record(long word) {
        return (int) word;
    }

    /** The word that follows {@code word}: same slot, next generation. */
    static long next(long word, long state, int tag, int record) {
        long generation = (generation(word) + 1) & GENERATION_MASK;
        return (state << STATE_SHIFT) | (generation << GENERATION_SHIFT) | ((tag & TAG_MASK) << TAG_SHIFT)
                | (record & 0xFFFF_FFFFL);
    }

    static long freed(long word) {
        return next(word, STATE_FREE, 0, 0);
    }
}
