package dev.sluice.store;

/*
 * The index: a flat array of 8-byte control words, one per slot, probed linearly (Agrona style).
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
 * Capacity: 2 * maxKeys home slots (load factor 0.5), at least PROBE_WINDOW, followed by PROBE_WINDOW - 1
 * overflow slots, so that a probe runs forward from its home slot without wrapping around. The home slot
 * is the low 32 bits of the hash scaled to the home slots (Lemire's multiply-shift range reduction), so
 * the table need not be a power of two: the index costs 16 bytes per key at every maxKeys, where rounding
 * up to a power of two cost up to 32. A key lives within PROBE_WINDOW slots of its home slot; lookups of
 * absent keys read the whole window, so deleting a key can make its slot FREE directly (no tombstones, no
 * chains to repair).
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

    /** Home slots per key: the load factor is 1 / HOME_SLOTS_PER_KEY. */
    static final int HOME_SLOTS_PER_KEY = 2;
    /** The most home slots: 2^31 (16 GiB of control words), so that the range reduction fits in a long. */
    static final long MAX_HOME_SLOTS = 1L << 31;

    private SlotLayout() {
    }

    /** @return the home slots of an index for {@code maxKeys} keys */
    static long homeSlotsFor(long maxKeys) {
        long slots = Math.max(PROBE_WINDOW, maxKeys * HOME_SLOTS_PER_KEY);
        if (slots > MAX_HOME_SLOTS) {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + ": needs " + slots + " index slots, above "
                    + MAX_HOME_SLOTS);
        }
        return slots;
    }

    /** @return all slots of an index with {@code homeSlots} home slots: they and the overflow after them */
    static long tableSlots(long homeSlots) {
        return homeSlots + PROBE_WINDOW - 1;
    }

    /**
     * The home slot of {@code hash}: its low 32 bits times {@code homeSlots}, divided by 2^32. Uniform when
     * the hash is; uses no bit of the tag ({@link #tagOf}).
     */
    static long home(long hash, long homeSlots) {
        return ((hash & 0xFFFF_FFFFL) * homeSlots) >>> 32;
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
