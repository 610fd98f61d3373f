package dev.sluice;

import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many checks each limit allowed, refused and could not answer, for {@link RateLimiter#stats()}.
 *
 * <p>Two kinds of counter, so that counting costs the request path no shared write:
 * <ul>
 *   <li><b>A tally per decision.</b> A {@link Decision} the caller reuses (the allocation-free forms of
 *       {@code check}) gets, from its {@value #TALLY_AFTER}th check on, a tally of its own, written only by the
 *       decision's owner, with a plain increment and a release store, no atomic instruction. A check that every
 *       limit allowed is one increment: the count of checks that had the same limits
 *       ({@link Decision#limitsPresent}), one of {@value #SETS} such sets a tally keeps. Any other check (one
 *       that some limit refused, a fifth set, a configuration of more than 64 limits) adds to a count per limit
 *       and kind. The tally is registered here, weakly reachable through its decision: when the decision is
 *       collected, the next registration or snapshot folds its counts into the stripes and forgets it, so a
 *       caller that drops decisions loses no count and leaks no tally.</li>
 *   <li><b>Striped counts</b> for every other check: a decision's first checks, the decisions the forms that
 *       return one make, and a decision that already tallies for another limiter. Each thread adds to the stripe
 *       its id selects, a block of cache lines holding every limit's counts, so threads on different cores do
 *       not contend for one line. A stripe may be shared (more threads than stripes, virtual threads), so these
 *       adds are atomic.</li>
 * </ul>
 * A snapshot sums the stripes and the live tallies. A check counts once per limit that had entries in it,
 * however many rates the limit has; a count is in every snapshot taken after its check returned.
 *
 * <p>A check that is not counted by its set of limits has its entries read: an entry's key space is its limit's
 * name, the same {@code String} instance as the configuration's, and entries come in the configuration's order,
 * so one forward scan over the names finds them all by reference.
 */
final class LimitCounters {
    /** The counts of one limit, in this order. */
    static final int ALLOWED = 0;
    static final int REFUSED = 1;
    static final int FAILED = 2;
    private static final int COUNTS = 3;
    /** Checks a decision counts in the stripes before it gets a tally: one-shot decisions never register. */
    static final int TALLY_AFTER = 16;
    /** The sets of limits a tally counts allowed checks by; a request's set changes only with its attributes. */
    static final int SETS = 4;

    /** Longs per 64-byte cache line; stripes start on a line of their own, the first after a line of padding. */
    private static final int LINE = 8;
    private static final int MAX_STRIPES = 64;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String[] names;
    /** Whether every limit has a bit in {@link Decision#limitsPresent}: at most 64 limits. */
    private final boolean bySet;
    private final int stride;
    private final int stripeMask;
    private final long[] cells;
    /** The tallies whose decisions may still count; guarded by itself, as are folding and snapshots. */
    private final Set<Tally> tallies = new HashSet<>();
    private final ReferenceQueue<Decision> collected = new ReferenceQueue<>();

    /**
     * One decision's counts for this limiter, written by the decision's owner only: with a plain read of its own
     * last write and a release store, which a snapshot reads with an acquire load.
     */
    static final class Tally extends WeakReference<Decision> {
        final LimitCounters owner;
        /** Per limit and kind. */
        final long[] counts;
        /** Sets of limits, as {@link Decision#limitsPresent}; a set is written once, before its count leaves 0. */
        final long[] sets = new long[SETS];
        /** How many checks that every limit of the set at the same index allowed. */
        final long[] allowedBySet = new long[SETS];

        Tally(Decision decision, LimitCounters owner, ReferenceQueue<Decision> queue) {
            super(decision, queue);
            this.owner = owner;
            this.counts = new long[COUNTS * owner.names.length];
        }

        void add(int index) {
            CELLS.setRelease(counts, index, counts[index] + 1);
        }

        /** Counts a check that every limit of {@code present} allowed; false when this tally has no room for it. */
        boolean allowed(long present) {
            long[] sets = this.sets;
            for (int s = 0; s < SETS; s++) {
                long set = sets[s];
                if (set == present) {
                    CELLS.setRelease(allowedBySet, s, allowedBySet[s] + 1);
                    return true;
                }
                if (set == 0) {
                    // Claimed by the release store of its first count, after which a snapshot reads the set.
                    sets[s] = present;
                    CELLS.setRelease(allowedBySet, s, 1L);
                    return true;
                }
            }
            return false;
        }

        /** Adds this tally's counts to {@code sums}, counts per limit and kind. */
        void addTo(long[] sums) {
            for (int c = 0; c < sums.length; c++) {
                sums[c] += (long) CELLS.getAcquire(counts, c);
            }
            for (int s = 0; s < SETS; s++) {
                long n = (long) CELLS.getAcquire(allowedBySet, s);
                for (long bits = n == 0 ? 0 : sets[s]; bits != 0; bits &= bits - 1) {
                    sums[COUNTS * Long.numberOfTrailingZeros(bits) + ALLOWED] += n;
                }
            }
        }
    }

    /**
     * @param limits the limits in evaluation order, as the engine fills batches
     */
    LimitCounters(List<Limit> limits) {
        this.names = new String[limits.size()];
        for (int k = 0; k < names.length; k++) {
            names[k] = limits.get(k).name();
        }
        this.bySet = names.length <= Long.SIZE;
        this.stride = Math.max(LINE, (COUNTS * names.length + LINE - 1) / LINE * LINE);
        // Four stripes per core, a power of two: threads on different cores rarely share one.
        int wanted = 4 * Runtime.getRuntime().availableProcessors();
        int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(wanted - 1) << 1);
        this.stripeMask = stripes - 1;
        this.cells = new long[LINE + stripes * stride + LINE];
    }

    /** Adds a check that the backend answered: per limit, refused when any of its entries was blocked. */
    @SuppressWarnings("ReferenceEquality") // the batch carries the configuration's own name instances
    void answered(Decision d) {
        Tally tally = tally(d);
        if (bySet && d.status() == Outcome.ALLOWED) {
            // Every entry was allowed: each limit the request had allowed it.
            long present = d.limitsPresent;
            if (tally == null) {
                int base = stripeBase();
                for (long bits = present; bits != 0; bits &= bits - 1) {
                    CELLS.getAndAdd(cells, base + COUNTS * Long.numberOfTrailingZeros(bits) + ALLOWED, 1L);
                }
                return;
            }
            if (tally.allowed(present)) {
                return;
            }
        }
        Batch batch = d.batch;
        int base = tally == null ? stripeBase() : 0;
        int size = batch.size();
        int k = 0;
        int i = 0;
        while (i < size) {
            k = limitOf(batch.keySpace(i), k);
            boolean refused = false;
            String name = names[k];
            do {
                refused |= batch.outcome(i) == Outcome.BLOCKED;
                i++;
            } while (i < size && batch.keySpace(i) == name);
            int index = COUNTS * k + (refused ? REFUSED : ALLOWED);
            if (tally != null) {
                tally.add(index);
            } else {
                CELLS.getAndAdd(cells, base + index, 1L);
            }
        }
    }

    /** Adds a check that the backend could not answer, to every limit that had entries in it. */
    @SuppressWarnings("ReferenceEquality") // the batch carries the configuration's own name instances
    void failed(Decision d) {
        Batch batch = d.batch;
        int base = stripeBase();
        int size = batch.size();
        int k = 0;
        int i = 0;
        while (i < size) {
            k = limitOf(batch.keySpace(i), k);
            String name = names[k];
            do {
                i++;
            } while (i < size && batch.keySpace(i) == name);
            CELLS.getAndAdd(cells, base + COUNTS * k + FAILED, 1L);
        }
    }

    /** {@return every limit's counts, summed over the stripes and the live tallies, by name in evaluation order} */
    Map<String, LimitStats> snapshot() {
        long[] sums = new long[COUNTS * names.length];
        synchronized (tallies) {
            foldCollected();
            for (Tally t : tallies) {
                t.addTo(sums);
            }
            int stripes = stripeMask + 1;
            for (int s = 0; s < stripes; s++) {
                for (int c = 0; c < sums.length; c++) {
                    sums[c] += (long) CELLS.getVolatile(cells, LINE + s * stride + c);
                }
            }
        }
        Map<String, LimitStats> out = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            out.put(names[k], new LimitStats(sums[COUNTS * k + ALLOWED], sums[COUNTS * k + REFUSED],
                    sums[COUNTS * k + FAILED]));
        }
        return out;
    }

    /** {@return the tally {@code d} counts this check in, or null for the stripes} */
    @SuppressWarnings("ReferenceEquality") // a tally belongs to one limiter's counters
    private Tally tally(Decision d) {
        Tally t = d.tally;
        if (t != null) {
            return t.owner == this ? t : null;
        }
        if (d.untallied < TALLY_AFTER) {
            d.untallied++;
            return null;
        }
        t = new Tally(d, this, collected);
        synchronized (tallies) {
            foldCollected();
            tallies.add(t);
        }
        d.tally = t;
        return t;
    }

    /** Moves the counts of tallies whose decisions were collected into the first stripe; holds the lock. */
    private void foldCollected() {
        for (Reference<? extends Decision> r; (r = collected.poll()) != null; ) {
            Tally t = (Tally) r;
            if (tallies.remove(t)) {
                long[] sums = new long[t.counts.length];
                t.addTo(sums);
                for (int c = 0; c < sums.length; c++) {
                    CELLS.getAndAdd(cells, LINE + c, sums[c]);
                }
            }
        }
    }

    /** {@return how many tallies are registered, after folding those of collected decisions} */
    int liveTalliesForTest() {
        synchronized (tallies) {
            foldCollected();
            return tallies.size();
        }
    }

    private int stripeBase() {
        return LINE + ((int) Thread.currentThread().threadId() & stripeMask) * stride;
    }

    /**
     * {@return the index of the limit named {@code keySpace}, searched by reference from {@code from} on} The
     * batch's entries follow the configuration's order, so the search only ever moves forward.
     */
    @SuppressWarnings("ReferenceEquality") // the batch carries the configuration's own name instances
    private int limitOf(String keySpace, int from) {
        for (int k = from; k < names.length; k++) {
            if (names[k] == keySpace) {
                return k;
            }
        }
        throw new IllegalStateException("entry of limit " + keySpace + " outside the configured order "
                + List.of(names));
    }
}
