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
    /** Outcomes of one update attempt on a found slot. */
    private static final int ALLOWED = 0;
    private static final int BLOCKED = 1;
    private static final int RETRY = 2;
    /** What admissionAge returns for an admission whose time is still being written. */
    private static final long IN_FLIGHT = Long.MIN_VALUE;

    private final RingSlabs rings;

    SlidingLogStore(Builder builder, Arena arena, RingSlabs rings) {
        super(builder, arena, rings);
        this.rings = rings;
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
            int outcome = update(handle, hi, permits, limit, windowNanos, now, out);
            if (outcome != RETRY) {
                return outcome == ALLOWED;
            }
        }
    }

    private int update(long handle, long hi, long permits, long limit, long windowNanos, long now, AcquireResult out) {
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
                throw new IllegalArgumentException("limit=" + limit + ": this key's log was created with limit="
                        + (slab == null ? "?" : slab.limit) + "; a key's sliding-window limit is fixed while it is live");
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
                    return BLOCKED;
                }
            }
            long next = StateWordLayout.log(StateWordLayout.logGeneration(state), admissions + permits);
            // Linearizes here: the admission counter numbers every admission; the CAS claims numbers
            // admissions .. admissions + permits - 1 (and their ring slots) for this request only. The slots'
            // times are written after, tagged with their lap so that readers can tell a write in flight.
            if (table.casState(offset, state, next)) {
                for (long m = admissions; m < admissions + permits; m++) {
                    MemoryOrder.setRelease(segment, ringBase + RingLayout.slotOffset(limit, m), RingLayout.slot(m, limit, now));
                }
                // Only after the CAS: the ring is this key's while the key is live, and the admission just
                // made keeps it from expiring. Before the CAS the ring may already be back on its free list,
                // whose link shares this word, and raising it there would corrupt the list.
                raiseWindow(segment, ringBase, windowNanos);
                long newest = admissions + permits - 1;
                long first = firstInWindow(segment, ringBase, limit, newest, now, windowNanos);
                long oldestAge = ageOrNow(segment, ringBase, limit, first, now, now);
                out.set(AcquireResult.ALLOWED, limit - (newest + 1 - first), windowNanos - oldestAge, 0);
                return ALLOWED;
            }
        }
    }

    private int insert(long hi, long lo, long home, long permits, long limit, long windowNanos, long now, AcquireResult out) {
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
                return FULL;
            }
        }
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            slab.release(ring);
            return FULL;
        }
        MemorySegment segment = slab.chunk(ring);
        long ringBase = slab.offset(ring);
        for (long m = 0; m < permits; m++) {
            MemoryOrder.setPlain(segment, ringBase + RingLayout.slotOffset(limit, m), RingLayout.slot(m, limit, now));
        }
        long state = StateWordLayout.log(StateWordLayout.logGeneration(table.claimedState(offset)) + 1, permits);
        table.fillRingRef(offset, RingLayout.ref(slab.id, ring));
        int inserted = publish(hi, lo, home, offset, state);
        if (inserted == INSERTED) {
            out.set(AcquireResult.ALLOWED, limit - permits, windowNanos, 0);
        } else {
            slab.release(ring);
        }
        return inserted;
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
    private static long firstInWindow(MemorySegment ring, long ringBase, long limit, long newest, long now, long windowNanos) {
        return firstInWindow(ring, ringBase, limit, newest, now, now, windowNanos);
    }

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
}
