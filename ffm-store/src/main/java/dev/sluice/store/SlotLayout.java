package dev.sluice.store;

/*
 * The table: one flat array of slots, probed linearly (Agrona style). A slot holds a key's fingerprint and
 * its state word side by side, so a lookup at any table size touches one slot and a key of any length
 * costs the same bytes.
 *
 *   FIXED_WINDOW, TOKEN_BUCKET (24 bytes)
 *    0                8                16               24
 *   +----------------+----------------+----------------+
 *   |  identity (8)  |  check (8)     |  state (8, CAS)|
 *   +----------------+----------------+----------------+
 *
 *   SLIDING_WINDOW_LOG (32 bytes)
 *    0                8                16               24        28        32
 *   +----------------+----------------+----------------+---------+---------+
 *   |  identity (8)  |  check (8)     |  state (8, CAS)| ring ref| (unused)|
 *   +----------------+----------------+----------------+---------+---------+
 *
 *   identity   63                                                 16 15                 2 1   0
 *             +-----------------------------------------------------+--------------------+-----+
 *             |   fingerprint high word, bits 63..16 (48 bits)      | generation (14)    |stat.|
 *             +-----------------------------------------------------+--------------------+-----+
 *              status: 00 FREE (never used), 01 PENDING (claimed, checking for duplicates),
 *                      10 LIVE, 11 TOMB (used once, now empty; a TOMB word has no fingerprint bits)
 *              generation: incremented by every claim of the slot, so a CAS prepared against one key's
 *                      time in the slot fails against the next one's, even when it is the same key again
 *   check      the fingerprint's low word; written while the slot is PENDING, read only under a LIVE identity
 *   state      the algorithm's state word (StateWordLayout); the one word every update CASes
 *   ring ref   SLIDING_WINDOW_LOG: the key's ring (RingLayout.ref), written while PENDING
 *
 * A key's identity is the 48 bits here and the 64 of the check word: 112 bits of its fingerprint.
 *
 * A fresh table is all zeros: every slot FREE. A slot goes FREE -> PENDING -> LIVE -> TOMB -> PENDING ...
 * and never back to FREE, so every slot between a key's home slot and the key is not FREE: a lookup stops at
 * the first FREE slot. Tombstones are reused by inserts.
 *
 * Capacity: 2 * maxKeys home slots (load factor at most 0.5), at least PROBE_WINDOW, followed by
 * PROBE_WINDOW - 1 overflow slots, so that a probe runs forward from its home slot without wrapping. The
 * home slot is bits 63..32 of the check word scaled to the home slots (Lemire's multiply-shift range
 * reduction), so the table need not be a power of two: 48 bytes per key for FIXED_WINDOW and TOKEN_BUCKET,
 * 64 for SLIDING_WINDOW_LOG (plus its ring). A key lives within PROBE_WINDOW slots of its home slot.
 */
final class SlotLayout {
    static final int IDENTITY_OFFSET = 0;
    static final int CHECK_OFFSET = 8;
    static final int STATE_OFFSET = 16;
    static final int RING_REF_OFFSET = 24;
    /** Bytes per slot for FIXED_WINDOW and TOKEN_BUCKET. */
    static final int SLOT_BYTES = 24;
    /** Bytes per slot for SLIDING_WINDOW_LOG. */
    static final int LOG_SLOT_BYTES = 32;
    /** Alignment of the table (one cache line). */
    static final int ALIGNMENT = 64;
    /** Slots a key may be placed from its home slot. */
    static final int PROBE_WINDOW = 64;

    static final long STATUS_MASK = 3L;
    static final int GENERATION_SHIFT = 2;
    static final int GENERATION_BITS = 14;
    /** The generation and status bits: what a lookup ignores and a handle keeps. */
    static final long GENERATION_AND_STATUS = (1L << (GENERATION_SHIFT + GENERATION_BITS)) - 1;
    private static final long GENERATION_FIELD = GENERATION_AND_STATUS & ~STATUS_MASK;
    /** The fingerprint bits of an identity word. */
    static final long FINGERPRINT_MASK = ~GENERATION_AND_STATUS;
    static final long FREE = 0L;
    static final long PENDING = 1L;
    static final long LIVE = 2L;
    static final long TOMB = 3L;

    /** Home slots per key: the load factor is at most 1 / HOME_SLOTS_PER_KEY. */
    static final int HOME_SLOTS_PER_KEY = 2;
    /** The most home slots: 2^31, so that the range reduction fits in a long. */
    static final long MAX_HOME_SLOTS = 1L << 31;
    /** The most keys a table holds. */
    static final long MAX_KEYS = MAX_HOME_SLOTS / HOME_SLOTS_PER_KEY;

    private SlotLayout() {
    }

    /** @return bytes per slot for {@code algorithm} */
    static int slotBytes(StoreAlgorithm algorithm) {
        return algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG ? LOG_SLOT_BYTES : SLOT_BYTES;
    }

    /** @return the home slots of a table for {@code maxKeys} keys */
    static long homeSlotsFor(long maxKeys) {
        return Math.max(PROBE_WINDOW, maxKeys * HOME_SLOTS_PER_KEY);
    }

    /** @return all slots of a table with {@code homeSlots} home slots: the overflow slots after them included */
    static long tableSlots(long homeSlots) {
        return homeSlots + PROBE_WINDOW - 1;
    }

    /** @return the home slot of a key whose check word is {@code check} */
    static long home(long check, long homeSlots) {
        return ((check >>> 32) * homeSlots) >>> 32;
    }

    /** @return the LIVE identity of a key whose fingerprint's high word is {@code hi}, generation bits zero */
    static long live(long hi) {
        return (hi & FINGERPRINT_MASK) | LIVE;
    }

    /** @return the PENDING identity word of a key claiming a slot whose identity word was {@code previous} */
    static long pending(long hi, long previous) {
        return (hi & FINGERPRINT_MASK) | ((previous + (1L << GENERATION_SHIFT)) & GENERATION_FIELD) | PENDING;
    }

    /** @return the LIVE word that publishes a PENDING one */
    static long published(long pending) {
        return (pending & ~STATUS_MASK) | LIVE;
    }

    /** @return the TOMB word that follows {@code identity}, keeping its generation */
    static long tomb(long identity) {
        return (identity & GENERATION_FIELD) | TOMB;
    }

    /** @return the status bits of an identity word */
    static long status(long identity) {
        return identity & STATUS_MASK;
    }
}
