package dev.sluice.store;

import java.lang.foreign.Arena;

/**
 * A {@link KeyedStore} whose keys run fixed windows ({@link FixedWindow}).
 *
 * <p>Thread-safe; {@code acquire} never blocks, never allocates and never takes a lock.
 */
public final class FixedWindowStore extends KeyedStore {
    FixedWindowStore(Builder builder, Arena arena) {
        super(builder, arena, null);
    }

    @Override
    boolean admit(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        return charge(hi, lo, permits, limit, windowNanos, now, out) != FixedWindow.REFUSED;
    }

    /** @return the word written, or FixedWindow.REFUSED (count 0 is never a live word) */
    @Override
    long charge(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                long state = FixedWindow.first(permits, windowNanos, now);
                int inserted = insert(hi, lo, home, state, limit, now, out);
                if (inserted == INSERTED) {
                    return state;
                }
                if (inserted == FULL) {
                    tableFull(out);
                    return FixedWindow.REFUSED;
                }
                continue;
            }
            long offset = SlotTable.offsetOf(handle);
            for (;;) {
                long state = table.state(offset);
                if (StateWordLayout.fixedDead(state)) {
                    table.unlinkDead(handle, hi);
                    break;
                }
                long next = FixedWindow.admit(state, permits, limit, windowNanos, now);
                if (next == FixedWindow.REFUSED) {
                    if (!table.stillLive(handle, hi)) {
                        break;
                    }
                    // Linearizes here: the acquire read saw a window that is still open and too full.
                    long waitNanos = FixedWindow.resetAfter(state, now);
                    out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                    return FixedWindow.REFUSED;
                }
                // Linearizes here: the count (or the new window) is one word, so the CAS admits exactly the
                // units of the window it read; a CAS that lost re-reads and decides again.
                if (table.casState(offset, state, next)) {
                    out.set(AcquireResult.ALLOWED, FixedWindow.remaining(next, limit), FixedWindow.resetAfter(next, now), 0);
                    return next;
                }
            }
        }
    }

    private int insert(long hi, long lo, long home, long state, long limit, long now, AcquireResult out) {
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            return FULL;
        }
        int inserted = publish(hi, lo, home, offset, state);
        if (inserted == INSERTED) {
            out.set(AcquireResult.ALLOWED, FixedWindow.remaining(state, limit), FixedWindow.resetAfter(state, now), 0);
        }
        return inserted;
    }

    /**
     * Takes {@code permits} back from the window the charge wrote ({@code charged}'s end), and only from it: a
     * window that ended since keeps nothing of the charge. A window left with no units is ended (DEAD, then
     * unlinked): it answers as a new key, as it did before the charge that opened it.
     */
    @Override
    void refund(long hi, long lo, long permits, long limit, long windowNanos, long charged, long now) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                return;
            }
            long offset = SlotTable.offsetOf(handle);
            long state = table.state(offset);
            if (StateWordLayout.fixedDead(state) || (state ^ charged) >>> StateWordLayout.COUNT_BITS != 0
                    || StateWordLayout.fixedCount(state) < permits) {
                return;
            }
            if (!table.stillLive(handle, hi)) {
                continue;
            }
            long next = StateWordLayout.fixedCount(state) == permits ? StateWordLayout.fixedDeadFrom(state) : state - permits;
            // Linearizes here (the give-back): the window end in the word is the charge's, so the units come
            // back to the window they were taken from; a CAS that lost re-reads.
            if (table.casState(offset, state, next)) {
                if (StateWordLayout.fixedDead(next)) {
                    table.unlinkDead(handle, hi);
                }
                return;
            }
        }
    }

    @Override
    boolean inspect(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            long state = 0;
            if (handle >= 0) {
                state = table.state(SlotTable.offsetOf(handle));
                if (StateWordLayout.fixedDead(state)) {
                    // An evicted key not yet unlinked: finish the unlink, as every reader does, and look again.
                    table.unlinkDead(handle, hi);
                    continue;
                }
                if (!table.stillLive(handle, hi)) {
                    continue;
                }
            }
            // Linearizes here: at the state read, which the identity re-read shows was this key's word (or at
            // the lookup's miss: no state); the answer is admit's on that word, and nothing is written.
            long next = handle < 0 ? FixedWindow.first(permits, windowNanos, now)
                    : FixedWindow.admit(state, permits, limit, windowNanos, now);
            if (next == FixedWindow.REFUSED) {
                long waitNanos = FixedWindow.resetAfter(state, now);
                out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                return false;
            }
            out.set(AcquireResult.ALLOWED, FixedWindow.remaining(next, limit), FixedWindow.resetAfter(next, now), 0);
            return true;
        }
    }

    @Override
    boolean unexpired(long offset, long state, long now) {
        long left = FixedWindow.resetAfter(state, now);
        return left > 0 && left <= StateWordLayout.MAX_WINDOW_NANOS + SKEW_NANOS;
    }

    @Override
    boolean expired(long offset, long state, long reference, long now) {
        return FixedWindow.expired(state, reference, now, graceNanos);
    }
}
