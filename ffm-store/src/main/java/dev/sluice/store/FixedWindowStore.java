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
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                int inserted = insert(hi, lo, home, permits, limit, windowNanos, now, out);
                if (inserted == INSERTED) {
                    return true;
                }
                if (inserted == FULL) {
                    return tableFull(out);
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
                    return false;
                }
                // Linearizes here: the count (or the new window) is one word, so the CAS admits exactly the
                // units of the window it read; a CAS that lost re-reads and decides again.
                if (table.casState(offset, state, next)) {
                    out.set(AcquireResult.ALLOWED, FixedWindow.remaining(next, limit), FixedWindow.resetAfter(next, now), 0);
                    return true;
                }
            }
        }
    }

    private int insert(long hi, long lo, long home, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            return FULL;
        }
        long state = FixedWindow.first(permits, windowNanos, now);
        int inserted = publish(hi, lo, home, offset, state);
        if (inserted == INSERTED) {
            out.set(AcquireResult.ALLOWED, FixedWindow.remaining(state, limit), FixedWindow.resetAfter(state, now), 0);
        }
        return inserted;
    }

    @Override
    boolean expired(long offset, long state, long reference, long now) {
        return FixedWindow.expired(state, reference, now, graceNanos);
    }
}
