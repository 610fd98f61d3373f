package dev.sluice.store;

/*
 * The record's 64-bit state word, one packing per algorithm, so that every transition is one CAS.
 * Times are "store nanos": nowNanos minus the store's origin, in [0, MAX_STORE_NANOS).
 *
 * FIXED_WINDOW
 *    63                                                     20 19                              0
 *   +---------------------------------------------------------+---------------------------------+
 *   |          window end, in ticks of 4,096 ns (44 bits)     |       count (20 bits)           |
 *   +---------------------------------------------------------+---------------------------------+
 *   end = floor((first request + window) / tick): the window end is rounded down to the tick, so a window
 *   lasts at most 4,095 ns less than asked, never longer. Rounding down keeps every whole-second figure a
 *   client sees exact: the time until reset is at most the window, never a few nanoseconds over it (which
 *   would round a 60 s reset up to 61 s).
 *
 * TOKEN_BUCKET (GCRA)
 *    63             56 55                                                                        0
 *   +-----------------+---------------------------------------------------------------------------+
 *   | generation (8)  |       theoretical arrival time, store nanos (56 bits)                     |
 *   +-----------------+---------------------------------------------------------------------------+
 *
 * SLIDING_WINDOW_LOG (the log itself lives in a ring, see RingLayout)
 *    63                    52 51                                                                  0
 *   +------------------------+---------------------------------------------------------------------+
 *   |   generation (12)      |     admissions so far, n (52 bits)                                  |
 *   +------------------------+---------------------------------------------------------------------+
 *
 * DEAD: the value part all ones (FIXED_WINDOW: the whole word, -1). A reclaimed or free record holds DEAD;
 * the generation survives in it, and the next owner of the record uses generation + 1, so a CAS prepared
 * against the previous owner's state can never succeed on the new owner's.
 */
final class StateWordLayout {
    /** Fixed-window ends are kept in ticks of 2^12 ns. */
    static final int TICK_SHIFT = 12;
    static final long TICK_NANOS = 1L << TICK_SHIFT;
    static final int COUNT_BITS = 20;
    static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    static final int TAT_BITS = 56;
    static final long TAT_MASK = (1L << TAT_BITS) - 1;
    static final int TB_GENERATION_MASK = 0xFF;

    static final int ADMISSIONS_BITS = 52;
    static final long ADMISSIONS_MASK = (1L << ADMISSIONS_BITS) - 1;
    static final int SW_GENERATION_MASK = 0xFFF;

    /** Store nanos are in [0, 2^56): about 2.28 years from the origin. */
    static final long MAX_STORE_NANOS = 1L << 56;
    /** Largest limit: the fixed-window count field holds up to 2^20 - 1. */
    static final long MAX_LIMIT = COUNT_MASK;
    /** Largest window: 7 days. */
    static final long MAX_WINDOW_NANOS = 7L * 24 * 3600 * 1_000_000_000L;
    /** Smallest window: 1 ms. */
    static final long MIN_WINDOW_NANOS = 1_000_000L;
    /** A lazily chosen origin sits this far before the first time seen, so earlier times still fit. */
    static final long ORIGIN_LEAD_NANOS = 1L << 52;
    /** Largest store time accepted: room is left for now + window + one tick. */
    static final long MAX_NOW_STORE_NANOS = MAX_STORE_NANOS - (1L << 50);

    static final long FIXED_DEAD = -1L;

    private StateWordLayout() {
    }

    // FIXED_WINDOW

    static long fixed(long endTicks, long count) {
        return (endTicks << COUNT_BITS) | count;
    }

    static long fixedEndTicks(long word) {
        return word >>> COUNT_BITS;
    }

    static long fixedCount(long word) {
        return word & COUNT_MASK;
    }

    static long endTicksFor(long storeNanos, long windowNanos) {
        return (storeNanos + windowNanos) >>> TICK_SHIFT;
    }

    // TOKEN_BUCKET

    static long bucket(int generation, long tatNanos) {
        return ((long) (generation & TB_GENERATION_MASK) << TAT_BITS) | tatNanos;
    }

    static long bucketTat(long word) {
        return word & TAT_MASK;
    }

    static int bucketGeneration(long word) {
        return (int) (word >>> TAT_BITS) & TB_GENERATION_MASK;
    }

    static long bucketDead(int generation) {
        return bucket(generation, TAT_MASK);
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

    static long logDead(int generation) {
        return log(generation, ADMISSIONS_MASK);
    }

    static boolean isDead(StoreAlgorithm algorithm, long word) {
        return switch (algorithm) {
            case FIXED_WINDOW -> word == FIXED_DEAD;
            case TOKEN_BUCKET -> (word & TAT_MASK) == TAT_MASK;
            case SLIDING_WINDOW_LOG -> (word & ADMISSIONS_MASK) == ADMISSIONS_MASK;
        };
    }

    /** The DEAD word that succeeds {@code word}, keeping its generation. */
    static long dead(StoreAlgorithm algorithm, long word) {
        return switch (algorithm) {
            case FIXED_WINDOW -> FIXED_DEAD;
            case TOKEN_BUCKET -> bucketDead(bucketGeneration(word));
            case SLIDING_WINDOW_LOG -> logDead(logGeneration(word));
        };
    }
}
