package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link KeyedStore} whose keys run exact sliding-window logs: a key admits a request of n units iff
 * fewer than {@code limit - n + 1} admitted units lie in {@code (now - window, now]}. Each key's log is a
 * ring of its last {@code limit} admission times (RingLayout); the state word numbers the admissions.
 *
 * <p>Thread-safe; {@code acquire} never blocks, never allocates and never takes a lock.
 */
public final class SlidingLogStore extends KeyedStore {
    /**
     * What charge, update and insert return besides a state word written: words with no admissions, which no
     * charge writes. NOT_CHARGED: refused (or the table full); RETRY: look the key up again.
     */
    private static final long NOT_CHARGED = StateWordLayout.log(0, 0);
    private static final long RETRY = StateWordLayout.log(1, 0);
    private static final long NO_ROOM = StateWordLayout.log(2, 0);
    /** What admissionAge returns for an admission whose time is still being written. */
    private static final long IN_FLIGHT = Long.MIN_VALUE;
    /**
     * How many times a reset re-reads a ring whose admissions look in flight before it takes them for stale
     * (see settled): far more than the few stores an admission makes after its CAS take.
     */
    private static final int SETTLE_ROUNDS = 1 << 20;

    private final RingSlabs rings;

    SlidingLogStore(Builder builder, Arena arena, RingSlabs rings) {
        super(builder, arena, rings);
        this.rings = rings;
    }

    @Override
    boolean admit(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        return charge(hi, lo, permits, limit, windowNanos, now, out) != NOT_CHARGED;
    }

    @Override
    long charge(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                long inserted = insert(hi, lo, home, permits, limit, windowNanos, now, out);
                if (inserted == NO_ROOM) {
                    tableFull(out);
                    return NOT_CHARGED;
                }
                if (inserted != RETRY) {
                    return inserted;
                }
                continue;
            }
            long charged = update(handle, hi, permits, limit, windowNanos, now, out);
            if (charged != RETRY) {
                return charged;
            }
        }
    }

    /** @return the state word written, NOT_CHARGED when refused, or RETRY */
    private long update(long handle, long hi, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long offset = SlotTable.offsetOf(handle);
        for (;;) {
            // The ring ref is read before the state word: the state CAS (or the identity re-read of a
            // refusal) proves both belonged to this key.
            int ref = table.ringRef(offset);
            long state = table.state(offset);
            if (StateWordLayout.logDead(state)) {
                table.unlinkDead(handle, hi);
                return RETRY;
            }
            long admissions = StateWordLayout.logAdmissions(state);
            RingSlab slab = ref == RingSlabs.NO_RING ? null : rings.slab(ref);
            if (slab == null || slab.limit != limit) {
                if (table.state(offset) != state) {
                    continue;
                }
                if (!table.stillLive(handle, hi)) {
                    return RETRY;
                }
                throw limitChanged(limit, slab);
            }
            int ring = RingLayout.refRing(ref);
            MemorySegment segment = slab.chunk(ring);
            if (segment == null) {
                if (table.state(offset) != state) {
                    continue;
                }
                if (!table.stillLive(handle, hi)) {
                    return RETRY;
                }
                throw new IllegalStateException("ring reference " + ref + " of a live key names no ring");
            }
            long ringBase = slab.offset(ring);
            if (admissions + permits > limit) {
                // The admission whose slot the last of the new ones overwrites must have left the window.
                long evicted = admissions + permits - 1 - limit;
                long evictedAge = admissionAge(segment, ringBase, limit, evicted, now);
                if (evictedAge == IN_FLIGHT) {
                    if (table.state(offset) != state) {
                        continue;
                    }
                    evictedAge = 0;
                }
                if (evictedAge < windowNanos) {
                    if (!table.stillLive(handle, hi)) {
                        return RETRY;
                    }
                    // Linearizes here: the state read saw `limit` admissions, too many still in the window.
                    long waitNanos = windowNanos - evictedAge;
                    out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                    return NOT_CHARGED;
                }
            }
            long next = StateWordLayout.log(StateWordLayout.logGeneration(state), admissions + permits);
            // Linearizes here: the admission counter numbers every admission; the CAS claims numbers
            // admissions .. admissions + permits - 1 (and their ring slots) for this request only. The slots'
            // times are written after, tagged with their lap so that readers can tell a write in flight.
            if (table.casState(offset, state, next)) {
                // Only after the CAS: the ring is this key's while the key is live, and the admission just
                // made keeps it from expiring. Before the CAS the ring may already be back on its free list,
                // whose link shares this word, and raising it there would corrupt the list.
                raiseWindow(segment, ringBase, windowNanos);
                allowed(segment, ringBase, limit, admissions, permits, windowNanos, now, out);
                // The times last: until they land, the admissions read as in flight, and a reset of the key
                // waits for them (settled), so the ring is still this key's for everything above.
                for (long m = admissions; m < admissions + permits; m++) {
                    MemoryOrder.setRelease(segment, ringBase + RingLayout.slotOffset(limit, m), RingLayout.slot(m, limit, now));
                }
                return next;
            }
        }
    }

    private static IllegalArgumentException limitChanged(long limit, RingSlab slab) {
        return new IllegalArgumentException("limit=" + limit + ": this key's log was created with limit="
                + (slab == null ? "?" : slab.limit) + "; a key's sliding-window limit is fixed while it is live");
    }

    /**
     * Answers an admission of {@code permits} at {@code now} on a log of {@code admissions}, from the ring's
     * admissions before it (the new ones count as made now, whether or not their times are written yet).
     */
    private static void allowed(MemorySegment segment, long ringBase, long limit, long admissions, long permits,
            long windowNanos, long now, AcquireResult out) {
        long newest = admissions + permits - 1;
        long lo = Math.max(0, newest + 1 - limit);
        long hi = admissions;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (ageOrNow(segment, ringBase, limit, mid, now, now) < windowNanos) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        long oldestAge = lo < admissions ? ageOrNow(segment, ringBase, limit, lo, now, now) : 0;
        out.set(AcquireResult.ALLOWED, limit - (newest + 1 - lo), windowNanos - oldestAge, 0);
    }

    /** @return the first state word, published; NO_ROOM; or RETRY when another claim of the key won */
    private long insert(long hi, long lo, long home, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        RingSlab slab = rings.slabFor(limit);
        if (slab == null) {
            throw new IllegalArgumentException("limit=" + limit + ": a sliding-window store holds at most "
                    + RingLayout.MAX_SLABS + " distinct limits");
        }
        int ring = slab.allocate(windowNanos);
        if (ring < 0) {
            reclaimer.makeRoom(home, now);
            ring = slab.allocate(windowNanos);
            if (ring < 0) {
                return NO_ROOM;
            }
        }
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            slab.release(ring);
            return NO_ROOM;
        }
        MemorySegment segment = slab.chunk(ring);
        long ringBase = slab.offset(ring);
        for (long m = 0; m < permits; m++) {
            MemoryOrder.setPlain(segment, ringBase + RingLayout.slotOffset(limit, m), RingLayout.slot(m, limit, now));
        }
        long state = StateWordLayout.log(StateWordLayout.logGeneration(table.claimedState(offset)) + 1, permits);
        table.fillRingRef(offset, RingLayout.ref(slab.id, ring));
        if (publish(hi, lo, home, offset, state) == INSERTED) {
            out.set(AcquireResult.ALLOWED, limit - permits, windowNanos, 0);
            return state;
        }
        slab.release(ring);
        return RETRY;
    }

    /** Age of admission {@code m} at {@code now}; IN_FLIGHT while its write is in flight, Long.MAX_VALUE if overwritten or ANCIENT. */
    private static long admissionAge(MemorySegment ring, long ringBase, long limit, long m, long now) {
        return admissionAge(ring, ringBase, limit, m, now, now);
    }

    /** As above, the time read back near {@code reference} (Reclaimer.Expiry). */
    private static long admissionAge(MemorySegment ring, long ringBase, long limit, long m, long reference, long now) {
        long slot = MemoryOrder.getAcquire(ring, ringBase + RingLayout.slotOffset(limit, m));
        long lap = RingLayout.lap(slot);
        long expected = RingLayout.expectedLap(m, limit);
        if (lap == expected) {
            return RingLayout.age(slot, reference, now);
        }
        return lap == ((expected - 1) & RingLayout.LAP_MASK) ? IN_FLIGHT : Long.MAX_VALUE;
    }

    /** Age of admission {@code m}, a write in flight counting as admitted now. */
    private static long ageOrNow(MemorySegment ring, long ringBase, long limit, long m, long reference, long now) {
        long age = admissionAge(ring, ringBase, limit, m, reference, now);
        return age == IN_FLIGHT ? 0 : age;
    }

    /** Binary search for the oldest admission still in the window, among the last {@code limit}. */
    private static long firstInWindow(MemorySegment ring, long ringBase, long limit, long newest, long reference, long now,
            long windowNanos) {
        long lo = Math.max(0, newest + 1 - limit);
        long hi = newest;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (ageOrNow(ring, ringBase, limit, mid, reference, now) < windowNanos) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static void raiseWindow(MemorySegment ring, long ringBase, long windowNanos) {
        long offset = ringBase + RingLayout.WINDOW_OFFSET;
        long current = MemoryOrder.getAcquire(ring, offset);
        while (current < windowNanos && !MemoryOrder.compareAndSet(ring, offset, current, windowNanos)) {
            current = MemoryOrder.getAcquire(ring, offset);
        }
    }

    @Override
    boolean inspect(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                // Linearizes here (a miss): the key holds no state; a new key's first request is admitted.
                out.set(AcquireResult.ALLOWED, limit - permits, windowNanos, 0);
                return true;
            }
            long offset = SlotTable.offsetOf(handle);
            int ref = table.ringRef(offset);
            long state = table.state(offset);
            if (StateWordLayout.logDead(state)) {
                // An evicted key not yet unlinked: finish the unlink, as every reader does, and look again.
                table.unlinkDead(handle, hi);
                continue;
            }
            long admissions = StateWordLayout.logAdmissions(state);
            RingSlab slab = ref == RingSlabs.NO_RING ? null : rings.slab(ref);
            MemorySegment segment = slab == null || slab.limit != limit ? null : slab.chunk(RingLayout.refRing(ref));
            if (segment == null) {
                if (table.state(offset) != state || !table.stillLive(handle, hi)) {
                    continue;
                }
                throw limitChanged(limit, slab);
            }
            long ringBase = slab.offset(RingLayout.refRing(ref));
            if (admissions + permits > limit) {
                long evictedAge = admissionAge(segment, ringBase, limit, admissions + permits - 1 - limit, now);
                if (evictedAge == IN_FLIGHT) {
                    evictedAge = 0;
                }
                if (evictedAge < windowNanos) {
                    if (table.state(offset) != state || !table.stillLive(handle, hi)) {
                        continue;
                    }
                    long waitNanos = windowNanos - evictedAge;
                    out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                    return false;
                }
            }
            allowed(segment, ringBase, limit, admissions, permits, windowNanos, now, out);
            // Linearizes here: the state word is read again after the ring, unchanged, so the ring's times were
            // this key's log of `admissions` (an admission still writing its time counts as made now, as it does
            // for acquire); the identity re-read shows the slot was this key's throughout. Nothing is written.
            if (table.state(offset) == state && table.stillLive(handle, hi)) {
                return true;
            }
        }
    }

    /**
     * Gives back the admissions a charge made (numbers {@code first .. first + permits - 1} of the key's life
     * whose generation {@code charged} carries). The counter can only drop its newest admissions, so:
     * <ol>
     *   <li>every admission from the charge's first to the newest must have its time written (else spin);
     *   <li>the newest {@code permits} slots are marked in flight (previous lap, ANCIENT): until the counter
     *       drops they read as admitted now, and a reset waits for them;
     *   <li>the slots between the charge's first and those are given the newest admission's time, highest
     *       first: the admissions made on top of the charge, if any, move down over it;
     *   <li>the counter CAS drops the newest {@code permits}; the marked slots are then what the ring held for
     *       the admissions a lap earlier (ANCIENT: they had left the window when overwritten).
     * </ol>
     * Every intermediate ring is ordered and has no time earlier than the log without the charge, so no
     * concurrent reader admits more than it would; when no admission landed on top of the charge (its own
     * admissions are still the newest), step 3 has nothing to do and the give-back is exact. Otherwise the
     * admissions above it keep their number but take the newest time: conservative by the span of those
     * admissions. A counter CAS that loses gives its marked slots the newest time and starts again. A slot
     * that never reads written (see settled) ends the attempts after SETTLE_ROUNDS: the charge then stays,
     * which only ever refuses more.
     */
    @Override
    void refund(long hi, long lo, long permits, long limit, long windowNanos, long charged, long now) {
        int generation = StateWordLayout.logGeneration(charged);
        long first = StateWordLayout.logAdmissions(charged) - permits;
        long home = table.home(lo);
        for (int round = 0; round < SETTLE_ROUNDS; round++) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                return;
            }
            long offset = SlotTable.offsetOf(handle);
            int ref = table.ringRef(offset);
            long state = table.state(offset);
            if (StateWordLayout.logDead(state) || StateWordLayout.logGeneration(state) != generation || ref == RingSlabs.NO_RING) {
                return;
            }
            if (!table.stillLive(handle, hi)) {
                continue;
            }
            RingSlab slab = rings.slab(ref);
            MemorySegment segment = slab.chunk(RingLayout.refRing(ref));
            if (segment == null || slab.limit != limit) {
                return;
            }
            long ringBase = slab.offset(RingLayout.refRing(ref));
            long count = StateWordLayout.logAdmissions(state);
            // Admissions of the charge that the ring no longer holds left the window before they were overwritten.
            long drop = permits - Math.max(0, count - limit - first);
            if (drop <= 0) {
                return;
            }
            long from = Math.max(Math.min(first, count - drop), count - limit);
            if (!written(segment, ringBase, limit, from, count)) {
                Thread.onSpinWait();
                continue;
            }
            long newestTime = RingLayout.time(MemoryOrder.getAcquire(segment, ringBase + RingLayout.slotOffset(limit, count - 1)));
            long marked = markInFlight(segment, ringBase, limit, count - drop, count);
            if (marked == count - drop && retime(segment, ringBase, limit, from, count - drop, newestTime)) {
                long next = count == drop ? StateWordLayout.logDeadFrom(state) : StateWordLayout.log(generation, count - drop);
                // Linearizes here (the give-back): the counter drops the newest `drop` admissions, whose slots
                // are marked; the generation names the charge's life, the count that nothing landed since the
                // marks. A log left empty is ended (DEAD, then unlinked): it answers as a new key.
                if (table.casState(offset, state, next)) {
                    if (count == drop) {
                        table.unlinkDead(handle, hi);
                    }
                    return;
                }
            }
            unmark(segment, ringBase, limit, marked, count, newestTime);
        }
    }

    /** @return true when admissions {@code from .. to - 1} all have their times written */
    private static boolean written(MemorySegment segment, long ringBase, long limit, long from, long to) {
        for (long m = from; m < to; m++) {
            long slot = MemoryOrder.getAcquire(segment, ringBase + RingLayout.slotOffset(limit, m));
            if (RingLayout.lap(slot) != RingLayout.expectedLap(m, limit)) {
                return false;
            }
        }
        return true;
    }

    /** The in-flight word of admission {@code m}: the previous lap, ANCIENT. */
    private static long inFlight(long m, long limit) {
        return RingLayout.aged(((RingLayout.expectedLap(m, limit) - 1) & RingLayout.LAP_MASK) << RingLayout.LAP_SHIFT);
    }

    /**
     * Marks admissions {@code from .. to - 1} in flight, highest first, each by a CAS from its written word.
     *
     * @return the lowest admission marked ({@code from} when all were)
     */
    private static long markInFlight(MemorySegment segment, long ringBase, long limit, long from, long to) {
        long m = to - 1;
        for (; m >= from; m--) {
            long offset = ringBase + RingLayout.slotOffset(limit, m);
            long slot = MemoryOrder.getAcquire(segment, offset);
            if (RingLayout.lap(slot) != RingLayout.expectedLap(m, limit)
                    || !MemoryOrder.compareAndSet(segment, offset, slot, inFlight(m, limit))) {
                break;
            }
        }
        return m + 1;
    }

    /** Gives marked admissions {@code from .. to - 1} the time {@code time} (no earlier than their own). */
    private static void unmark(MemorySegment segment, long ringBase, long limit, long from, long to, long time) {
        for (long m = from; m < to; m++) {
            MemoryOrder.compareAndSet(segment, ringBase + RingLayout.slotOffset(limit, m), inFlight(m, limit),
                    RingLayout.expectedLap(m, limit) << RingLayout.LAP_SHIFT | time);
        }
    }

    /** Gives admissions {@code from .. to - 1} the time {@code time}, highest first. @return false if a CAS lost */
    private static boolean retime(MemorySegment segment, long ringBase, long limit, long from, long to, long time) {
        for (long m = to - 1; m >= from; m--) {
            long offset = ringBase + RingLayout.slotOffset(limit, m);
            long slot = MemoryOrder.getAcquire(segment, offset);
            if (RingLayout.lap(slot) != RingLayout.expectedLap(m, limit)) {
                return false;
            }
            if (RingLayout.time(slot) != time
                    && !MemoryOrder.compareAndSet(segment, offset, slot, (slot & ~RingLayout.TIME_MASK) | time)) {
                return false;
            }
        }
        return true;
    }

    @Override
    boolean unexpired(long offset, long state, long now) {
        int ref = table.ringRef(offset);
        if (ref == RingSlabs.NO_RING) {
            return true;
        }
        RingSlab slab = rings.slab(ref);
        int ring = RingLayout.refRing(ref);
        MemorySegment segment = slab.chunk(ring);
        if (segment == null) {
            return true;
        }
        long ringBase = slab.offset(ring);
        long newestAge = admissionAge(segment, ringBase, slab.limit, StateWordLayout.logAdmissions(state) - 1, now);
        return newestAge < MemoryOrder.getAcquire(segment, ringBase + RingLayout.WINDOW_OFFSET);
    }

    /**
     * Waits until no admission of the log {@code state} is still writing its time: an update writes its ring
     * slots after its CAS, and a ring freed under it would take those writes (and another key the corrupted
     * times). Once they are written, and the state word is still {@code state} at the reset's CAS, no thread
     * writes the ring again. A slot that reads in flight for SETTLE_ROUNDS rounds is taken as stale (an
     * admission overwritten by a writer a whole lap late, which no ordinary schedule produces).
     */
    @Override
    boolean settled(long offset, long state) {
        int ref = table.ringRef(offset);
        if (ref == RingSlabs.NO_RING) {
            return true;
        }
        RingSlab slab = rings.slab(ref);
        int ring = RingLayout.refRing(ref);
        MemorySegment segment = slab.chunk(ring);
        if (segment == null) {
            return true;
        }
        long limit = slab.limit;
        long ringBase = slab.offset(ring);
        long admissions = StateWordLayout.logAdmissions(state);
        for (int round = 0; round < SETTLE_ROUNDS; round++) {
            if (!anyInFlight(segment, ringBase, limit, Math.max(0, admissions - limit), admissions)) {
                return true;
            }
            if (table.state(offset) != state) {
                return false;
            }
            if ((round & 63) == 63) {
                yieldToWriter();
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    private static boolean anyInFlight(MemorySegment segment, long ringBase, long limit, long from, long to) {
        for (long m = from; m < to; m++) {
            long slot = MemoryOrder.getAcquire(segment, ringBase + RingLayout.slotOffset(limit, m));
            if (RingLayout.lap(slot) == ((RingLayout.expectedLap(m, limit) - 1) & RingLayout.LAP_MASK)) {
                return true;
            }
        }
        return false;
    }

    @Override
    boolean expired(long offset, long state, long reference, long now) {
        int ref = table.ringRef(offset);
        if (ref == RingSlabs.NO_RING) {
            return false;
        }
        RingSlab slab = rings.slab(ref);
        int ring = RingLayout.refRing(ref);
        MemorySegment segment = slab.chunk(ring);
        if (segment == null) {
            return false;
        }
        long ringBase = slab.offset(ring);
        long newest = StateWordLayout.logAdmissions(state) - 1;
        long newestAge = admissionAge(segment, ringBase, slab.limit, newest, reference, now);
        long windowNanos = MemoryOrder.getAcquire(segment, ringBase + RingLayout.WINDOW_OFFSET);
        return newestAge != IN_FLIGHT && newestAge - graceNanos >= windowNanos;
    }

    /**
     * Marks a live key's admissions that left the window ANCIENT, newest first, down to the first one already
     * marked: no time stays in a ring for longer than a reclaim pass without being settled.
     */
    @Override
    void visitLive(long offset, long state, long reference, long now) {
        int ref = table.ringRef(offset);
        if (ref == RingSlabs.NO_RING || table.state(offset) != state) {
            return;
        }
        RingSlab slab = rings.slab(ref);
        int ring = RingLayout.refRing(ref);
        MemorySegment segment = slab.chunk(ring);
        if (segment == null) {
            return;
        }
        long limit = slab.limit;
        long ringBase = slab.offset(ring);
        long windowNanos = MemoryOrder.getAcquire(segment, ringBase + RingLayout.WINDOW_OFFSET);
        long newest = StateWordLayout.logAdmissions(state) - 1;
        long first = firstInWindow(segment, ringBase, limit, newest, reference, now, windowNanos);
        for (long m = first - 1; m >= Math.max(0, newest + 1 - limit); m--) {
            long slotOffset = ringBase + RingLayout.slotOffset(limit, m);
            long slot = MemoryOrder.getAcquire(segment, slotOffset);
            if (RingLayout.lap(slot) != RingLayout.expectedLap(m, limit) || (slot & RingLayout.TIME_MASK) == RingLayout.ANCIENT) {
                return;
            }
            // A CAS, not a store: an admission that overwrites the slot meanwhile wins.
            MemoryOrder.compareAndSet(segment, slotOffset, slot, RingLayout.aged(slot));
        }
    }

    @Override
    public long offHeapBytes() {
        return super.offHeapBytes() + rings.allocatedBytes();
    }

    /** Lets a writer preempted mid-write run: a bounded wait on two cores cannot spin it out. */
    @SuppressWarnings("ThreadPriorityCheck") // the waited-for writer may share this core; spinning alone cannot let it finish
    private static void yieldToWriter() {
        Thread.yield();
    }
}
