package dev.sluice.store;

/*
 * A sliding-window log: a ring of `limit` timestamps for one key. Rings of one size share a slab, grown in
 * chunks from the store's arena within its memory budget.
 *
 *    0                8               16              24                        8 + 8 * limit
 *   +----------------+---------------+---------------+-------- ... ----------+
 *   | window nanos   |   slot 0      |   slot 1      |        slot limit-1   |
 *   | (8, CAS max)   |   (8, release)|               |                       |
 *   +----------------+---------------+---------------+-------- ... ----------+
 *
 *   window nanos  the largest window the key was called with; the reclaim sweep uses it. While the ring
 *                 is free it holds the free-list link.
 *   slot i        admission m (m mod limit == i):
 *
 *    63            56 55                                                                        0
 *   +----------------+--------------------------------------------------------------------------+
 *   | lap = m/limit  |                  time of admission m, nanoseconds mod 2^56               |
 *   |  mod 256       |                  (all ones: ANCIENT)                                     |
 *   +----------------+--------------------------------------------------------------------------+
 *
 * The lap tells a reader whether a slot already holds admission m or still the admission one lap earlier
 * (its write is in flight). A fresh ring holds lap 255 (one lap before lap 0) with time 0. ANCIENT marks an
 * admission the reclaimer found older than the window, so that no time in a ring is read back after more
 * than half the 2^56 ns period (StateWordLayout, "time has no end").
 *
 * An admission writes its slots last, after raising the window word: a reset of the key waits until no slot
 * of its log reads in flight before it frees the ring. An all-or-nothing give-back marks the slots of the
 * admissions it drops in flight (previous lap, ANCIENT) before its counter CAS; after it, that word is what
 * the ring held for the admissions a lap earlier (SlidingLogStore.refund).
 */
final class RingLayout {
    static final int WINDOW_OFFSET = 0;
    static final int FREE_LINK_OFFSET = WINDOW_OFFSET;
    static final int SLOTS_OFFSET = 8;
    static final int SLOT_BYTES = 8;
    static final int ALIGNMENT = 8;
    static final int LAP_SHIFT = 56;
    static final long LAP_MASK = 0xFF;
    static final long TIME_MASK = (1L << LAP_SHIFT) - 1;
    /** The time field of an admission known to be older than its window (set by the reclaimer). */
    static final long ANCIENT = TIME_MASK;
    /** Lap 255, time 0: no admission yet. */
    static final long FRESH_SLOT = LAP_MASK << LAP_SHIFT;
    /** Ring slabs per store: the slab id in a record's ring ref is 8 bits. */
    static final int MAX_SLABS = 256;
    /** Rings per slab: the ring index in a record's ring ref is 24 bits. */
    static final int MAX_RINGS_PER_SLAB = (1 << 24) - 1;
    /** The ring index bits of a ring ref; the index that is all ones is never used (slab 255's is NO_RING). */
    static final int RING_INDEX_MASK = (1 << 24) - 1;
    /** Bytes a slab grows by at a time (at least one ring). */
    static final long CHUNK_BYTES = 1L << 20;

    private RingLayout() {
    }

    static long stride(long limit) {
        return SLOTS_OFFSET + SLOT_BYTES * limit;
    }

    static long slotOffset(long limit, long admission) {
        return SLOTS_OFFSET + SLOT_BYTES * (admission % limit);
    }

    /** The slot word of admission {@code admission} at {@code now}: its lap and the time mod 2^56. */
    static long slot(long admission, long limit, long now) {
        long time = now & TIME_MASK;
        if (time == ANCIENT) {
            time = 0; // one nanosecond later: ANCIENT is reserved
        }
        return (((admission / limit) & LAP_MASK) << LAP_SHIFT) | time;
    }

    /** The same slot with its time replaced by ANCIENT: an admission known to be out of every window. */
    static long aged(long slotWord) {
        return slotWord | ANCIENT;
    }

    /**
     * @return how long before {@code now} the slot's admission was (its time read back near now, see
     *     StateWordLayout.unwrap), or Long.MAX_VALUE for an ANCIENT slot. Ages, not times, are compared with
     *     windows: a difference stays right across the wrap of a long.
     */
    static long age(long slotWord, long now) {
        return age(slotWord, now, now);
    }

    /** The age at {@code now} of a slot whose time is read back near {@code reference} (Reclaimer.Expiry). */
    static long age(long slotWord, long reference, long now) {
        long time = slotWord & TIME_MASK;
        return time == ANCIENT ? Long.MAX_VALUE : now - StateWordLayout.unwrap(time, reference, LAP_SHIFT);
    }

    static long lap(long slotWord) {
        return slotWord >>> LAP_SHIFT;
    }

    static long expectedLap(long admission, long limit) {
        return (admission / limit) & LAP_MASK;
    }

    static long time(long slotWord) {
        return slotWord & TIME_MASK;
    }

    static int ref(int slab, int ring) {
        return (slab << 24) | ring;
    }

    static int refSlab(int ref) {
        return ref >>> 24;
    }

    static int refRing(int ref) {
        return ref & RING_INDEX_MASK;
    }
}
