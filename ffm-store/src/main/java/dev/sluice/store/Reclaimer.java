package dev.sluice.store;

import java.util.concurrent.atomic.AtomicLong;

/*
 * Gives back the room of expired keys, and keeps every stored time readable (StateWordLayout).
 *
 * Four ways in, all bounded:
 *   - Paced sweep. Every request reads one shared word (plain, rarely written): when the next step is
 *     due, the thread that wins a CAS on it sweeps the next STEP_SLOTS slots of a cursor shared by all
 *     sweepers. Steps are spaced so the cursor passes the whole table once per PASS_NANOS (1 day): no
 *     state is left unread for longer than a pass (far below the 2^55 ns, about 417 days, after which a
 *     truncated time would be read back wrongly), and a key that expired is reclaimed within about a day
 *     plus the grace even when no new key arrives to sweep it sooner (below). The pass is work per unit of
 *     time, not per request; a day keeps it near 3,000 slots a second at 10^8 keys. A store that saw
 *     no request for more than CATCH_UP_NANOS (about 13 days) sweeps the whole table on the next request,
 *     once.
 *   - Every new key sweeps INSERT_STEP_SLOTS slots of the shared cursor: the cursor crosses the table once
 *     per tableSlots / INSERT_STEP_SLOTS inserts (half a pass per maxKeys new keys), so under a stream of
 *     new keys expired ones are reclaimed about as fast as they are replaced, and a table holding maxKeys
 *     keys of which many expired has room again before it would refuse anyone.
 *   - Room for a new key. An insert that finds the table at capacity, or its probe window without a free
 *     slot, reclaims in its own probe window and sweeps up to FULL_STEPS steps of FULL_STEP_SLOTS slots of
 *     the shared cursor, stopping at the first step that reclaims a key, before it tries again. Each
 *     refusal costs a bounded, small amount of work (no full-table scan on the request path), and under a
 *     stream of new keys at a full table the cursor keeps crossing the table, so expired keys anywhere are
 *     found.
 *   - reclaimExpired(now): an explicit sweep of the whole table, for callers that want memory back now.
 *
 * Each visit to a LIVE slot asks the store whether its state expired at least the grace period ago; if so
 * it CASes the state word to DEAD (the eviction) and unlinks the slot (SlotTable). A sliding-window key
 * that stays live has its ring's out-of-window admissions marked ANCIENT instead (RingLayout).
 *
 * Thread-safe; never blocks.
 */
final class Reclaimer {
    /** The paced sweep crosses the whole table once per this many nanoseconds. */
    static final long PASS_NANOS = 86_400_000_000_000L;
    /** Slots per paced step. */
    static final int STEP_SLOTS = 256;
    /** Slots swept by every new key. */
    static final int INSERT_STEP_SLOTS = 4;
    /** Slots per step when a new key finds no room. */
    static final int FULL_STEP_SLOTS = 64;
    /** Steps at most when a new key finds no room. */
    static final int FULL_STEPS = 4;
    /** A paced sweep this late (no request for so long) sweeps the whole table at once. */
    static final long CATCH_UP_NANOS = 1L << 50;

    /** What a sweep asks of the store's algorithm. */
    interface Expiry {
        /**
         * @param reference the time near which the slot's truncated times are read back: now, or after a long
         *     idle spell the time of the store's last request (no state is younger)
         * @return true when the LIVE slot's state expired at least the grace period before {@code now}
         */
        boolean expired(long offset, long state, long reference, long now);

        /** Called for a LIVE slot that did not expire: a chance to age what it keeps (sliding-window rings). */
        void visitLive(long offset, long state, long reference, long now);
    }

    private final SlotTable table;
    private final Expiry expiry;
    private final long stepSlots;
    private final long stepNanos;
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicLong due = new AtomicLong(Long.MIN_VALUE);

    Reclaimer(SlotTable table, Expiry expiry) {
        this.table = table;
        this.expiry = expiry;
        this.stepSlots = Math.min(STEP_SLOTS, table.tableSlots);
        long stepsPerPass = (table.tableSlots + stepSlots - 1) / stepSlots;
        this.stepNanos = Math.max(1, PASS_NANOS / stepsPerPass);
    }

    long cursorForTest() {
        return cursor.get();
    }

    /** The request path's check: a plain read, and a step of work only when one is due. */
    void pace(long now) {
        long when = due.getPlain();
        if (when != Long.MIN_VALUE && now - when < 0) {
            return;
        }
        paceSlow(now, when);
    }

    private void paceSlow(long now, long when) {
        if (!due.compareAndSet(when, now + stepNanos)) {
            return;
        }
        if (when == Long.MIN_VALUE) {
            return;
        }
        ReclaimEvent event = new ReclaimEvent();
        event.begin();
        long reclaimed;
        long slots;
        String kind;
        if (now - when > CATCH_UP_NANOS) {
            // Every state was written before `when` (a later request would have moved it), so its times are
            // read back near `when`: after an idle spell of any length, even a whole period of the truncated
            // clock, the sweep sees them as the old times they are.
            reclaimed = sweepAll(when, now);
            slots = table.tableSlots;
            kind = ReclaimEvent.CATCH_UP;
        } else {
            reclaimed = sweep(now, stepSlots);
            slots = stepSlots;
            kind = ReclaimEvent.PACED;
        }
        commit(event, kind, slots, reclaimed);
    }

    /** Records a sweep when a recording asked for {@link ReclaimEvent}; costs one check when none did. */
    private void commit(ReclaimEvent event, String kind, long slots, long reclaimed) {
        if (event.shouldCommit()) {
            event.kind = kind;
            event.slots = slots;
            event.reclaimed = reclaimed;
            event.liveKeys = table.size();
            event.capacity = table.maxKeys;
            event.commit();
        }
    }

    /** {@link #sweepAll} for an explicit call, recorded as such. */
    long sweepAllExplicitly(long now) {
        ReclaimEvent event = new ReclaimEvent();
        event.begin();
        long reclaimed = sweepAll(now, now);
        commit(event, ReclaimEvent.EXPLICIT, table.tableSlots, reclaimed);
        return reclaimed;
    }

    /** The share of the sweep every new key does. */
    void onInsert(long now) {
        sweep(now, Math.min(INSERT_STEP_SLOTS, table.tableSlots));
    }

    /** Makes room for a new key whose home slot is {@code home}: its window, then short shared steps. */
    void makeRoom(long home, long now) {
        ReclaimEvent event = new ReclaimEvent();
        event.begin();
        long offset = table.offset(home);
        int reclaimed = 0;
        long slots = SlotLayout.PROBE_WINDOW;
        for (int i = 0; i < SlotLayout.PROBE_WINDOW; i++, offset += table.slotBytes) {
            reclaimed += visit(offset, now, now) ? 1 : 0;
        }
        for (int step = 0; step < FULL_STEPS && reclaimed == 0; step++) {
            long stepSlots = Math.min(FULL_STEP_SLOTS, table.tableSlots);
            reclaimed = sweep(now, stepSlots);
            slots += stepSlots;
        }
        commit(event, ReclaimEvent.ROOM, slots, reclaimed);
    }

    /** Sweeps the next {@code slots} slots of the shared cursor. @return keys reclaimed */
    int sweep(long now, long slots) {
        return sweep(now, now, slots);
    }

    private int sweep(long reference, long now, long slots) {
        long slot = Long.remainderUnsigned(cursor.getAndAdd(slots), table.tableSlots);
        int count = 0;
        for (long i = 0; i < slots; i++) {
            if (visit(table.offset(slot), reference, now)) {
                count++;
            }
            slot = slot + 1 == table.tableSlots ? 0 : slot + 1;
        }
        return count;
    }

    /** Sweeps every slot once, reading times back near {@code reference}. @return keys reclaimed */
    long sweepAll(long reference, long now) {
        long count = 0;
        for (long done = 0; done < table.tableSlots; done += STEP_SLOTS) {
            count += sweep(reference, now, Math.min(STEP_SLOTS, table.tableSlots - done));
        }
        return count;
    }

    private boolean visit(long offset, long reference, long now) {
        long identity = table.identity(offset);
        if (SlotLayout.status(identity) != SlotLayout.LIVE) {
            return false;
        }
        long state = table.state(offset);
        if (!table.isDead(state)) {
            if (!expiry.expired(offset, state, reference, now)) {
                expiry.visitLive(offset, state, reference, now);
                return false;
            }
            // Linearizes here (the eviction): the DEAD word replaces an expired state, which answers like
            // an absent key; every update CAS prepared against the old word now fails.
            if (!table.casState(offset, state, table.deadFrom(state))) {
                return false;
            }
        }
        return table.unlink(offset, identity);
    }
}
