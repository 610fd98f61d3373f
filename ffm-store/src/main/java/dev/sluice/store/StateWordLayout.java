package dev.sluice.store;

/*
 * The slot's 64-bit state word, one packing per algorithm, so that every transition is one CAS.
 *
 * TIME HAS NO END
 *   Times are the caller's nowNanos (one monotonic source per store), kept in a word truncated to their low
 *   bits: 56 bits of nanoseconds, or 44 bits of 4,096-ns ticks, both a period of 2^56 ns (about 2.28 years).
 *   A truncated time is read back as the full time nearest to now (within half a period either side), so the
 *   arithmetic stays exact at any uptime and across the wrap of System.nanoTime itself. A state that sat
 *   unread for longer than half a period would be read back wrongly; none can: the reclaimer visits every
 *   slot at least once per pass (Reclaimer.PASS_NANOS, far below half a period) and removes expired state,
 *   and a time that reads back later than anything a live state can hold (an end past now + window, a
 *   token-bucket TAT past now + burst) is taken as expired.
 *
 * FIXED_WINDOW
 *    63                                                     20 19                              0
 *   +---------------------------------------------------------+---------------------------------+
 *   |       window end, ticks of 4,096 ns, mod 2^44           |       count (20 bits)           |
 *   +---------------------------------------------------------+---------------------------------+
 *   end = floor((first request + window) / tick): the window end is rounded down to the tick, so a window
 *   lasts at most 4,095 ns less than asked, never longer, and the time until reset a client sees is at most
 *   the window (never a few nanoseconds over, which would round a 60 s reset up to 61 s). count >= 1 in a
 *   live state; DEAD is count 0.
 *
 * TOKEN_BUCKET (GCRA)
 *    63             56 55                                                                        0
 *   +-----------------+---------------------------------------------------------------------------+
 *   | generation (8)  |       theoretical arrival time (TAT), nanoseconds mod 2^56                |
 *   +-----------------+---------------------------------------------------------------------------+
 *   DEAD is the TAT field all ones; a live TAT that would be all ones is taken 1 ns later.
 *
 * SLIDING_WINDOW_LOG (the log itself lives in a ring, see RingLayout)
 *    63                    52 51                                                                  0
 *   +------------------------+---------------------------------------------------------------------+
 *   |   generation (12)      |     admissions so far, n (52 bits)                                  |
 *   +------------------------+---------------------------------------------------------------------+
 *   DEAD is the admissions field all ones.
 *
 * The generation survives in a DEAD word and the next key in the slot starts at generation + 1, so a CAS
 * prepared against the previous key's state fails on the new key's even if their other bits agree.
 */
final class StateWordLayout {
    /** Fixed-window ends are kept in ticks of 2^12 ns. */
    static final int TICK_SHIFT = 12;
    static final long TICK_NANOS = 1L << TICK_SHIFT;
    static final int COUNT_BITS = 20;
    static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    static final int END_BITS = 64 - COUNT_BITS;

    static final int TAT_BITS = 56;
    static final long TAT_MASK = (1L << TAT_BITS) - 1;
    static final int TB_GENERATION_MASK = 0xFF;

    static final int ADMISSIONS_BITS = 52;
    static final long ADMISSIONS_MASK = (1L << ADMISSIONS_BITS) - 1;
    static final int SW_GENERATION_MASK = 0xFFF;

    /** The period of every truncated time: 2^56 ns. */
    static final long TIME_PERIOD_NANOS = 1L << 56;
    /** Largest limit: the fixed-window count field holds up to 2^20 - 1. */
    static final long MAX_LIMIT = COUNT_MASK;
    /** Largest window: 7 days. */
    static final long MAX_WINDOW_NANOS = 7L * 24 * 3600 * 1_000_000_000L;
    /** Smallest window: 1 ms. */
    static final long MIN_WINDOW_NANOS = 1_000_000L;

    private StateWordLayout() {
    }

    /** The full time nearest {@code now} whose low {@code bits} bits are {@code truncated}. */
    static long unwrap(long truncated, long now, int bits) {
        int unused = 64 - bits;
        return now + ((truncated - now) << unused >> unused);
    }

    // FIXED_WINDOW

    static long fixed(long endTicks, long count) {
        return (endTicks << COUNT_BITS) | count;
    }

    /** @return the window end in nanoseconds, read back near {@code now} */
    static long fixedEndNanos(long word, long now) {
        return unwrap(word >>> COUNT_BITS, now >> TICK_SHIFT, END_BITS) << TICK_SHIFT;
    }

    static long fixedCount(long word) {
        return word & COUNT_MASK;
    }

    static long endTicksFor(long now, long windowNanos) {
        return (now + windowNanos) >> TICK_SHIFT;
    }

    static boolean fixedDead(long word) {
        return (word & COUNT_MASK) == 0;
    }

    static long fixedDeadFrom(long word) {
        return word & ~COUNT_MASK;
    }

    // TOKEN_BUCKET

    static long bucket(int generation, long tatNanos) {
        long tat = tatNanos & TAT_MASK;
        if (tat == TAT_MASK) {
            tat = 0;
        }
        return ((long) (generation & TB_GENERATION_MASK) << TAT_BITS) | tat;
    }

    /** @return the TAT in nanoseconds, read back near {@code now} */
    static long bucketTat(long word, long now) {
        return unwrap(word & TAT_MASK, now, TAT_BITS);
    }

    static int bucketGeneration(long word) {
        return (int) (word >>> TAT_BITS) & TB_GENERATION_MASK;
    }

    static boolean bucketDead(long word) {
        return (word & TAT_MASK) == TAT_MASK;
    }

    static long bucketDeadFrom(long word) {
        return word | TAT_MASK;
    }

    // SLIDING_WINDOW_LOG

    static long log(int generation, long admissions) {
        return ((long) (generation & SW_GENERATION_MASK) << ADMISSIONS_BITS) | admissions;
    }

    static long logAdmissions(long word) {
        return word & ADMISSIONS_MASK;
    }

    static int logGeneration(long word) {
        return (int) (word >>> ADMISSIONS_BITS) & SW_GENERATION_MASK;
    }

    static boolean logDead(long word) {
        return (word & ADMISSIONS_MASK) == ADMISSIONS_MASK;
    }

    static long logDeadFrom(long word) {
        return word | ADMISSIONS_MASK;
    }
}
