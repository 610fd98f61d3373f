package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Off-heap keyed rate-limit state for one {@link StoreAlgorithm}: every key's bytes and state live in
 * {@link MemorySegment} slabs of one shared {@link Arena}, sized when the store is built; nothing on the heap
 * grows with the number of keys.
 *
 * <p>Thread-safe; {@code acquire} never blocks, never allocates and never takes a lock.
 */
public final class KeyedStore implements AutoCloseable {
    /*
     * THE PROTOCOL (docs/concurrency.md has the long form)
     *
     * Structures
     *   index    flat array of 8-byte control words (SlotLayout): FREE, PENDING or LIVE, with a
     *            generation, a 16-bit hash tag and a record index.
     *   records  maxKeys fixed-stride records (RecordLayout): state word, (ring ref,) key bytes.
     *            Free records sit on a lock-free stack (FreeList); a free record's state word is DEAD.
     *   rings    SLIDING_WINDOW_LOG only: one slab per ring size (RingSlab, RingLayout).
     *
     * A key lives within PROBE_WINDOW slots of its home slot. A lookup reads the window until it finds the
     * key LIVE; a key that is absent costs a read of the whole window. Because no lookup stops at a FREE
     * slot, a slot can go from LIVE straight back to FREE: there are no tombstones and nothing to repair.
     *
     * Slot life cycle
     *   FREE --claim CAS--> PENDING --verify, CAS--> LIVE --unlink CAS (record DEAD)--> FREE
     *                          \--lost or killed, CAS--> FREE
     *
     * Insert (a key not found LIVE)
     *   1. Pop a record; write the key bytes and the state after the first request (plain: still private).
     *   2. Claim a FREE slot of the window: CAS FREE -> PENDING(tag, record).
     *   3. Verify: read the rest of the window. A LIVE slot with the same key (record not DEAD) means we
     *      lost; a PENDING same key nearer the home slot means we lost; a PENDING same key farther away is
     *      killed (CAS -> FREE).
     *   4. CAS PENDING -> LIVE. Only a claim that nobody killed gets here; the CAS publishes the record.
     *   A loser frees its slot and record and starts again; it finds the winner.
     *   Why at most one LIVE slot per key: take two claims p and q of one key that both went LIVE, p claimed
     *   first. q's verification started after q's claim, hence after p's claim, and read p's slot while p
     *   was PENDING (LIVE would have made q lose). If p is nearer, q lost; if farther, q killed p, so p's
     *   CAS to LIVE failed. Either way a contradiction.
     *
     * Update (a LIVE key)
     *   Read the record's state word (acquire), compute the next word, CAS. A CAS that fails re-reads. A
     *   DEAD word means the key was reclaimed: help unlink its slot, then start again (as a new key).
     *
     * Reclaim (sweep, or an insert that found no room)
     *   A LIVE record whose state expired at least reclaimGraceNanos ago is CASed to DEAD; that CAS is the
     *   eviction. Any thread that then sees the DEAD word CASes the slot LIVE -> FREE; the one that
     *   succeeds pushes the record (and ring) to its free list. Eviction is lossless: an expired state and
     *   an absent key give the same answer.
     *
     * Reading a record through a slot
     *   Key bytes are compared only between two acquire reads of the slot's control word that return the
     *   same word: the generation proves the record was not freed and reused meanwhile. State words carry a
     *   generation too (TOKEN_BUCKET, SLIDING_WINDOW_LOG); a fixed-window word does not have room, and a
     *   stale CAS could only succeed if a reused record's first window ended exactly where the reclaimed
     *   window ended, which the grace period excludes unless clocks disagree by more than the grace.
     *
     * Close
     *   close() flips a flag and closes the shared arena. An acquire that is inside a memory access when
     *   the arena closes gets the JDK's IllegalStateException, rethrown as "store is closed".
     *
     * References: Cliff Click's NonBlockingHashMap (claim-by-CAS slots); Purcell and Harris, "Non-blocking
     * hashtables with open addressing" (bounded probe windows); Treiber's stack; GCRA (ITU-T I.371).
     */

    /** The largest limit a key may have. */
    public static final long MAX_LIMIT = StateWordLayout.MAX_LIMIT;
    /** The longest window a key may have, in nanoseconds (7 days). */
    public static final long MAX_WINDOW_NANOS = StateWordLayout.MAX_WINDOW_NANOS;

    private static final int ALLOWED = 0;
    private static final int BLOCKED = 1;
    private static final int DEAD = 2;

    private static final int INSERTED = 0;
    private static final int LOST = 1;
    private static final int FULL = 2;

    private static final int SAME = 1;
    private static final int DIFFERENT = 0;
    private static final int CHANGED = -1;

    private static final long UNSET_ORIGIN = Long.MIN_VALUE;
    private static final int SWEEP_STEP = 1024;

    private final StoreAlgorithm algorithm;
    private final Arena arena;
    private final MemorySegment index;
    private final MemorySegment records;
    private final long homeSlots;
    private final long tableSlots;
    private final long keyOffset;
    private final int keyArea;
    private final int probeWindow;
    private final long recordStride;
    private final int maxKeyBytes;
    private final long maxKeys;
    private final long hashKey0;
    private final long hashKey1;
    private final long graceNanos;
    private final long fixedBytes;
    private final long hugePageBytes;
    private final FreeList freeRecords;
    private final AtomicLong origin;
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong tableFull = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    private final AtomicLong sweepCursor = new AtomicLong();
    private final AtomicLong ringBudget;
    private final AtomicReferenceArray<RingSlab> slabs = new AtomicReferenceArray<>(RingLayout.MAX_SLABS);
    private final AtomicInteger slabCount = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    private KeyedStore(Builder builder, long homeSlots, long fixedBytes) {
        this.algorithm = builder.algorithm;
        this.maxKeys = builder.maxKeys;
        this.maxKeyBytes = builder.maxKeyBytes;
        this.graceNanos = builder.reclaimGraceNanos;
        this.hashKey0 = KeyHash.key0(builder.hashSeed);
        this.hashKey1 = KeyHash.key1(builder.hashSeed);
        this.origin = new AtomicLong(builder.originNanos);
        this.homeSlots = homeSlots;
        this.tableSlots = SlotLayout.tableSlots(homeSlots);
        this.probeWindow = SlotLayout.PROBE_WINDOW;
        this.keyOffset = RecordLayout.keyOffset(algorithm);
        this.keyArea = RecordLayout.keyArea(maxKeyBytes);
        this.recordStride = RecordLayout.stride(algorithm, maxKeyBytes);
        this.fixedBytes = fixedBytes;
        this.ringBudget = new AtomicLong(builder.memoryBudgetBytes < 0
                ? (algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG ? Builder.DEFAULT_RING_BUDGET_BYTES : 0)
                : builder.memoryBudgetBytes - fixedBytes);
        this.arena = Arena.ofShared();
        NativeMemory.Table indexTable = NativeMemory.allocate(arena, tableSlots * SlotLayout.SLOT_BYTES, SlotLayout.ALIGNMENT,
                builder.hugePages);
        NativeMemory.Table recordTable = NativeMemory.allocate(arena, maxKeys * recordStride, RecordLayout.ALIGNMENT,
                builder.hugePages);
        this.index = indexTable.segment();
        this.records = recordTable.segment();
        this.hugePageBytes = indexTable.hugePageBytes() + recordTable.hugePageBytes();
        MemorySegment freeHead = arena.allocate(64, 64);
        this.freeRecords = new FreeList(freeHead) {
            @Override
            MemorySegment linkSegment(int record) {
                return records;
            }

            @Override
            long linkOffset(int record) {
                return record * recordStride + keyOffset;
            }
        };
        long dead = StateWordLayout.dead(algorithm, 0L);
        for (long record = 0; record < maxKeys; record++) {
            MemoryOrder.setPlain(records, record * recordStride + RecordLayout.STATE_OFFSET, dead);
            if (algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG) {
                MemoryOrder.setIntPlain(records, record * recordStride + RecordLayout.RING_REF_OFFSET, -1);
            }
        }
        freeRecords.fillSequential((int) maxKeys);
    }

    /**
     * Starts a builder for a store running {@code algorithm}.
     *
     * @param algorithm the state machine every key runs
     * @return a new builder
     */
    public static Builder builder(StoreAlgorithm algorithm) {
        return new Builder(algorithm);
    }

    /**
     * Charges one unit to {@code key}, creating the key's state when it is new or expired.
     *
     * @param key the key's bytes, at most {@link Builder#maxKeyBytes(int)} of them
     * @param limit units per window, 1 to {@value StateWordLayout#MAX_LIMIT}
     * @param windowNanos the window, 1 ms to 7 days
     * @param nowNanos the current time from one monotonic source per store
     * @param out where the outcome is written
     * @return {@code out.allowed()}
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public boolean acquire(KeyBuffer key, long limit, long windowNanos, long nowNanos, AcquireResult out) {
        int length = key.length();
        // Non-short-circuit ors: one well-predicted branch on the request path, whichever argument is bad.
        if (limit < 1 | limit > StateWordLayout.MAX_LIMIT | windowNanos < StateWordLayout.MIN_WINDOW_NANOS
                | windowNanos > StateWordLayout.MAX_WINDOW_NANOS | length > maxKeyBytes) {
            throw invalidArgument(limit, windowNanos, length);
        }
        if (closed) {
            throw closedException(null);
        }
        try {
            return acquire(key.array(), length, limit, windowNanos, storeNanos(nowNanos), out);
        } catch (IllegalStateException e) {
            if (closed) {
                throw closedException(e);
            }
            throw e;
        }
    }

    private boolean acquire(byte[] key, int length, long limit, long windowNanos, long now, AcquireResult out) {
        long hash = KeyHash.hash(hashKey0, hashKey1, key, length);
        long home = SlotLayout.home(hash, homeSlots);
        int tag = SlotLayout.tagOf(hash);
        for (;;) {
            long word = findLive(key, length, home, tag);
            if (word == 0) {
                int inserted = insert(key, length, home, tag, limit, windowNanos, now, out);
                if (inserted == INSERTED) {
                    return true;
                }
                if (inserted == FULL) {
                    return tableFull(out);
                }
                continue;
            }
            long base = SlotLayout.record(word) * recordStride;
            // Compared with constants rather than switched on: the algorithm is fixed per store, so the
            // branch is perfectly predicted and costs no switch-map lookup.
            int outcome;
            if (algorithm == StoreAlgorithm.FIXED_WINDOW) {
                outcome = fixedWindow(base, limit, windowNanos, now, out);
            } else if (algorithm == StoreAlgorithm.TOKEN_BUCKET) {
                outcome = tokenBucket(base, limit, windowNanos, now, out);
            } else {
                outcome = slidingLog(base, limit, windowNanos, now, out);
            }
            if (outcome != DEAD) {
                return outcome == ALLOWED;
            }
            unlinkWord(home, word);
        }
    }

    private boolean tableFull(AcquireResult out) {
        tableFull.incrementAndGet();
        out.set(AcquireResult.TABLE_FULL, 0, 0, 0);
        return false;
    }

    // ---------------------------------------------------------------- algorithms on a published record

    private int fixedWindow(long base, long limit, long windowNanos, long now, AcquireResult out) {
        for (;;) {
            long state = MemoryOrder.getAcquire(records, base);
            if (state == StateWordLayout.FIXED_DEAD) {
                return DEAD;
            }
            long endNanos = StateWordLayout.fixedEndTicks(state) << StateWordLayout.TICK_SHIFT;
            long count = StateWordLayout.fixedCount(state);
            long next;
            if (now >= endNanos) {
                long endTicks = StateWordLayout.endTicksFor(now, windowNanos);
                next = StateWordLayout.fixed(endTicks, 1);
                endNanos = endTicks << StateWordLayout.TICK_SHIFT;
                count = 1;
            } else if (count < limit) {
                next = state + 1;
                count++;
            } else {
                // Linearizes here: the acquire read saw a window that is still open and full.
                long waitNanos = endNanos - now;
                out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                return BLOCKED;
            }
            // Linearizes here: the count (or the new window) is one word, so the CAS admits exactly one
            // request per unit of the window it read; a CAS that lost re-reads and decides again.
            if (MemoryOrder.compareAndSet(records, base, state, next)) {
                out.set(AcquireResult.ALLOWED, limit - count, endNanos - now, 0);
                return ALLOWED;
            }
        }
    }

    private int tokenBucket(long base, long limit, long windowNanos, long now, AcquireResult out) {
        long emission = ceilDiv(windowNanos, limit);
        long burst = emission * limit;
        for (;;) {
            long state = MemoryOrder.getAcquire(records, base);
            long tat = StateWordLayout.bucketTat(state);
            if (tat == StateWordLayout.TAT_MASK) {
                return DEAD;
            }
            long newTat = Math.max(tat, now) + emission;
            long aheadNanos = newTat - now;
            if (aheadNanos > burst) {
                // Linearizes here: the acquire read saw less than one token.
                out.set(AcquireResult.BLOCKED, 0, tat - now, aheadNanos - burst);
                return BLOCKED;
            }
            long next = StateWordLayout.bucket(StateWordLayout.bucketGeneration(state), newTat);
            // Linearizes here: the whole bucket is the one TAT word; the CAS takes exactly one token from
            // the bucket the read saw, and its generation rejects a record that was reused meanwhile.
            if (MemoryOrder.compareAndSet(records, base, state, next)) {
                out.set(AcquireResult.ALLOWED, (burst - aheadNanos) / emission, aheadNanos, 0);
                return ALLOWED;
            }
        }
    }

    private int slidingLog(long base, long limit, long windowNanos, long now, AcquireResult out) {
        for (;;) {
            int ref = MemoryOrder.getIntPlain(records, base + RecordLayout.RING_REF_OFFSET);
            long state = MemoryOrder.getAcquire(records, base);
            long admissions = StateWordLayout.logAdmissions(state);
            if (admissions == StateWordLayout.ADMISSIONS_MASK) {
                return DEAD;
            }
            RingSlab slab = ref < 0 ? null : slabs.get(RingLayout.refSlab(ref));
            if (slab == null || slab.limit != limit) {
                if (MemoryOrder.getAcquire(records, base) != state) {
                    continue;
                }
                throw new IllegalArgumentException("limit=" + limit + ": this key's log was created with limit="
                        + (slab == null ? "?" : slab.limit) + "; a key's sliding-window limit is fixed while it is live");
            }
            int ring = RingLayout.refRing(ref);
            MemorySegment segment = slab.chunk(ring);
            if (segment == null) {
                // The plain read of the ring reference raced with a reclaim and reuse of this record.
                if (MemoryOrder.getAcquire(records, base) != state) {
                    continue;
                }
                throw new IllegalStateException("ring reference " + ref + " of a live key names no ring");
            }
            long ringBase = slab.offset(ring);
            long slotOffset = ringBase + RingLayout.slotOffset(limit, admissions);
            if (admissions >= limit) {
                long evicted = admissions - limit;
                long slot = MemoryOrder.getAcquire(segment, slotOffset);
                long evictedNanos;
                if (RingLayout.lap(slot) == RingLayout.expectedLap(evicted, limit)) {
                    evictedNanos = RingLayout.time(slot);
                } else if (MemoryOrder.getAcquire(records, base) != state) {
                    continue;
                } else {
                    evictedNanos = now; // its write is in flight: it was admitted just now
                }
                if (evictedNanos > now - windowNanos) {
                    // Linearizes here: the state read saw `limit` admissions, the oldest still in the window.
                    long waitNanos = evictedNanos + windowNanos - now;
                    out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                    return BLOCKED;
                }
            }
            long next = StateWordLayout.log(StateWordLayout.logGeneration(state), admissions + 1);
            // Linearizes here: the admission counter numbers every admission; the CAS claims number
            // `admissions` (and its ring slot) for this request only. The slot's time is written after,
            // tagged with its lap so that readers can tell the write is still in flight.
            if (MemoryOrder.compareAndSet(records, base, state, next)) {
                MemoryOrder.setRelease(segment, slotOffset, RingLayout.slot(admissions, limit, now));
                // Only after the CAS: the ring is this key's while the key is live, and the admission just
                // made keeps it from expiring. Before the CAS the ring may already be back on its free list,
                // whose link shares this word, and raising it there would corrupt the list.
                raiseWindow(segment, ringBase, windowNanos);
                long first = firstInWindow(segment, ringBase, limit, admissions, now, windowNanos);
                long oldestNanos = admissionNanos(segment, ringBase, limit, first, now);
                out.set(AcquireResult.ALLOWED, limit - (admissions + 1 - first), oldestNanos + windowNanos - now, 0);
                return ALLOWED;
            }
        }
    }

    /** Binary search for the oldest admission still in the window, among the last {@code limit}. */
    private static long firstInWindow(MemorySegment ring, long ringBase, long limit, long newest, long now, long windowNanos) {
        long lo = Math.max(0, newest + 1 - limit);
        long hi = newest;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (admissionNanos(ring, ringBase, limit, mid, now) > now - windowNanos) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Time of admission {@code m}; a write in flight counts as now, an overwritten slot as long ago. */
    private static long admissionNanos(MemorySegment ring, long ringBase, long limit, long m, long now) {
        long slot = MemoryOrder.getAcquire(ring, ringBase + RingLayout.slotOffset(limit, m));
        long lap = RingLayout.lap(slot);
        if (lap == RingLayout.expectedLap(m, limit)) {
            return RingLayout.time(slot);
        }
        return lap == ((RingLayout.expectedLap(m, limit) - 1) & RingLayout.LAP_MASK) ? now : Long.MIN_VALUE / 2;
    }

    private static void raiseWindow(MemorySegment ring, long ringBase, long windowNanos) {
        long offset = ringBase + RingLayout.WINDOW_OFFSET;
        long current = MemoryOrder.getAcquire(ring, offset);
        while (current < windowNanos && !MemoryOrder.compareAndSet(ring, offset, current, windowNanos)) {
            current = MemoryOrder.getAcquire(ring, offset);
        }
    }

    // ---------------------------------------------------------------- index

    private long findLive(byte[] key, int length, long home, int tag) {
        long liveTag = SlotLayout.liveWithTag(tag);
        for (int i = 0; i < SlotLayout.PROBE_WINDOW; i++) {
            long offset = SlotLayout.offset(home + i);
            for (;;) {
                long word = MemoryOrder.getAcquire(index, offset);
                if ((word & SlotLayout.STATE_AND_TAG_MASK) != liveTag) {
                    break;
                }
                int same = compareKey(word, offset, key, length);
                if (same == SAME) {
                    return word;
                }
                if (same == DIFFERENT) {
                    break;
                }
            }
        }
        return 0;
    }

    /** Compares the key of the record in {@code word}, valid only if the slot still holds {@code word} after. */
    private int compareKey(long word, long slotOffset, byte[] key, int length) {
        boolean same = sameKeyBytes(SlotLayout.record(word) * recordStride, key, length);
        // The bytes just read are meaningful only if the record was not freed and reused meanwhile: the
        // fence keeps them before the re-read, and an unchanged word (its generation) proves no reuse.
        MemoryOrder.loadFence();
        if (MemoryOrder.getAcquire(index, slotOffset) != word) {
            return CHANGED;
        }
        return same ? SAME : DIFFERENT;
    }

    /*
     * Word-at-a-time comparison of a record's key with the caller's. Keys hold no zero byte and a record
     * holds its key followed by zeros up to the end of the word after the key (RecordLayout), so comparing
     * the caller's key, zero-extended, over RecordLayout.comparedBytes(length) settles both the bytes and
     * the length: a longer record key has a non-zero byte where the caller has zeros, a shorter one a zero
     * where the caller has a key byte. Caller words are read from its byte[] (a multiple of 8 bytes long,
     * the bytes past the key masked off). Keys of up to 31 bytes (any key, with the default 32-byte area)
     * take straight-line code with no loop (small enough to inline into the lookup); longer ones a loop.
     * Only the record's key area is read, racily (see compareKey).
     */
    private boolean sameKeyBytes(long base, byte[] key, int length) {
        long at = base + keyOffset;
        int end = RecordLayout.comparedBytes(length, keyArea);
        if (end > 32) {
            return sameLongKeyBytes(at, key, length, end);
        }
        long diff = keyWordDiff(at, key, 0, length);
        if (end > 8) {
            diff |= keyWordDiff(at, key, 8, length);
            if (end > 16) {
                diff |= keyWordDiff(at, key, 16, length);
                if (end > 24) {
                    diff |= keyWordDiff(at, key, 24, length);
                }
            }
        }
        return diff == 0;
    }

    private boolean sameLongKeyBytes(long at, byte[] key, int length, int end) {
        for (int offset = 0; offset < end; offset += 8) {
            if (keyWordDiff(at, key, offset, length) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The differing bits of the key word at {@code offset}, the caller's bytes at or past {@code length} as zeros. */
    private long keyWordDiff(long at, byte[] key, int offset, int length) {
        return KeyHash.word(key, offset, length) ^ MemoryOrder.getRecordKeyWord(records, at + offset);
    }

    /** Writes {@code key} into a private record, followed by the zeros that end it (see sameKeyBytes). */
    private void writeKey(long base, byte[] key, int length) {
        long at = base + keyOffset;
        int end = RecordLayout.comparedBytes(length, keyArea);
        for (int offset = 0; offset < end; offset += 8) {
            MemoryOrder.setRecordKeyWord(records, at + offset, KeyHash.word(key, offset, length));
        }
    }

    private int insert(byte[] key, int length, long home, int tag, long limit, long windowNanos, long now,
            AcquireResult out) {
        int record = freeRecords.pop();
        if (record < 0) {
            reclaimAround(home, now, true);
            record = freeRecords.pop();
            if (record < 0) {
                return FULL;
            }
        }
        long base = record * recordStride;
        long previous = MemoryOrder.getPlain(records, base);
        writeKey(base, key, length);
        long state;
        long remaining = limit - 1;
        long resetAfterNanos;
        switch (algorithm) {
            case FIXED_WINDOW -> {
                long endTicks = StateWordLayout.endTicksFor(now, windowNanos);
                state = StateWordLayout.fixed(endTicks, 1);
                resetAfterNanos = (endTicks << StateWordLayout.TICK_SHIFT) - now;
            }
            case TOKEN_BUCKET -> {
                long emission = ceilDiv(windowNanos, limit);
                state = StateWordLayout.bucket(StateWordLayout.bucketGeneration(previous) + 1, now + emission);
                resetAfterNanos = emission;
            }
            default -> {
                RingSlab slab = slabFor(limit);
                int ring = slab == null ? -1 : slab.allocate(windowNanos);
                if (ring < 0) {
                    freeRecords.push(record);
                    return FULL;
                }
                MemoryOrder.setIntPlain(records, base + RecordLayout.RING_REF_OFFSET, RingLayout.ref(slab.id, ring));
                MemoryOrder.setPlain(slab.chunk(ring), slab.offset(ring) + RingLayout.slotOffset(limit, 0),
                        RingLayout.slot(0, limit, now));
                state = StateWordLayout.log(StateWordLayout.logGeneration(previous) + 1, 1);
                resetAfterNanos = windowNanos;
            }
        }
        MemoryOrder.setPlain(records, base, state);

        long claimedOffset = -1;
        long claimed = 0;
        int distance = -1;
        for (int pass = 0; pass < 2 && distance < 0; pass++) {
            for (int i = 0; i < probeWindow && distance < 0; i++) {
                long offset = SlotLayout.offset(home + i);
                long word = MemoryOrder.getAcquire(index, offset);
                if (SlotLayout.state(word) == SlotLayout.STATE_FREE) {
                    long pending = SlotLayout.next(word, SlotLayout.STATE_PENDING, tag, record);
                    // Linearizes here (the claim): from this CAS on, every verification of this key reads
                    // this slot; the CAS's release publishes the record's key bytes and state.
                    if (MemoryOrder.compareAndSet(index, offset, word, pending)) {
                        claimedOffset = offset;
                        claimed = pending;
                        distance = i;
                    }
                }
            }
            if (distance < 0 && pass == 0) {
                reclaimAround(home, now, false);
            }
        }
        if (distance < 0) {
            discard(record, state);
            return FULL;
        }
        boolean won = verify(key, length, home, tag, distance);
        // Linearizes here (the insert, with the key's first request): PENDING -> LIVE succeeds only for a
        // claim that no verification killed, and at most one claim per key gets here (see the essay).
        if (won && MemoryOrder.compareAndSet(index, claimedOffset, claimed,
                SlotLayout.next(claimed, SlotLayout.STATE_LIVE, tag, record))) {
            live.incrementAndGet();
            out.set(AcquireResult.ALLOWED, remaining, resetAfterNanos, 0);
            return INSERTED;
        }
        if (!won) {
            MemoryOrder.compareAndSet(index, claimedOffset, claimed, SlotLayout.freed(claimed));
        }
        discard(record, state);
        return LOST;
    }

    /** @return true when no other claim of the key beats the one at {@code distance} from home */
    private boolean verify(byte[] key, int length, long home, int tag, int distance) {
        for (int i = 0; i < probeWindow; i++) {
            if (i == distance) {
                continue;
            }
            long offset = SlotLayout.offset(home + i);
            for (;;) {
                long word = MemoryOrder.getAcquire(index, offset);
                long state = SlotLayout.state(word);
                if (state == SlotLayout.STATE_FREE || SlotLayout.tag(word) != tag) {
                    break;
                }
                int same = compareKey(word, offset, key, length);
                if (same == CHANGED) {
                    continue;
                }
                if (same == DIFFERENT) {
                    break;
                }
                if (state == SlotLayout.STATE_LIVE) {
                    long recordState = MemoryOrder.getAcquire(records, SlotLayout.record(word) * recordStride);
                    if (!StateWordLayout.isDead(algorithm, recordState)) {
                        return false;
                    }
                    unlink(offset, word);
                    break;
                }
                if (i < distance) {
                    return false;
                }
                // Linearizes here (a kill): the farther claim of the same key can no longer go LIVE.
                if (MemoryOrder.compareAndSet(index, offset, word, SlotLayout.freed(word))) {
                    break;
                }
            }
        }
        return true;
    }

    /** Returns a record that was never published (or whose claim lost) to the free list. */
    private void discard(int record, long state) {
        long base = record * recordStride;
        if (algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG) {
            releaseRing(base);
        }
        MemoryOrder.setPlain(records, base, StateWordLayout.dead(algorithm, state));
        freeRecords.push(record);
    }

    private void releaseRing(long base) {
        int ref = MemoryOrder.getIntPlain(records, base + RecordLayout.RING_REF_OFFSET);
        if (ref >= 0) {
            MemoryOrder.setIntPlain(records, base + RecordLayout.RING_REF_OFFSET, -1);
            slabs.get(RingLayout.refSlab(ref)).release(RingLayout.refRing(ref));
        }
    }

    private void unlinkWord(long home, long word) {
        for (int i = 0; i < probeWindow; i++) {
            long offset = SlotLayout.offset(home + i);
            if (MemoryOrder.getAcquire(index, offset) == word) {
                unlink(offset, word);
                return;
            }
        }
    }

    /** Frees a LIVE slot whose record is DEAD; the thread whose CAS succeeds recycles the record. */
    private boolean unlink(long slotOffset, long word) {
        // Linearizes here (the unlink): only one thread moves this generation of the slot to FREE, so the
        // record is pushed once; its DEAD state keeps every stale state CAS failing.
        if (!MemoryOrder.compareAndSet(index, slotOffset, word, SlotLayout.freed(word))) {
            return false;
        }
        long base = SlotLayout.record(word) * recordStride;
        if (algorithm == StoreAlgorithm.SLIDING_WINDOW_LOG) {
            releaseRing(base);
        }
        freeRecords.push(SlotLayout.record(word));
        live.decrementAndGet();
        reclaimed.incrementAndGet();
        return true;
    }

    // ---------------------------------------------------------------- reclaim

    /**
     * Reclaims expired keys in the next {@code maxSlots} slots of a cursor shared by all sweepers; safe to
     * call from any thread, concurrently with {@code acquire}. Never blocks.
     *
     * @param nowNanos the current time, from the clock given to {@code acquire}
     * @param maxSlots slots to examine, at least 1
     * @return keys reclaimed
     * @throws IllegalStateException if the store is closed
     */
    public int reclaimExpired(long nowNanos, int maxSlots) {
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots=" + maxSlots + ": must be at least 1");
        }
        if (closed) {
            throw closedException(null);
        }
        try {
            long now = storeNanos(nowNanos);
            long slot = Long.remainderUnsigned(sweepCursor.getAndAdd(maxSlots), tableSlots);
            int count = 0;
            for (long i = 0; i < maxSlots; i++) {
                if (reclaimSlot(SlotLayout.offset(slot), now)) {
                    count++;
                }
                slot = slot + 1 == tableSlots ? 0 : slot + 1;
            }
            return count;
        } catch (IllegalStateException e) {
            if (closed) {
                throw closedException(e);
            }
            throw e;
        }
    }

    /**
     * Sweeps the whole index once, in steps of {@value #SWEEP_STEP} slots, reclaiming expired keys.
     *
     * @param nowNanos the current time, from the clock given to {@code acquire}
     * @return keys reclaimed
     * @throws IllegalStateException if the store is closed
     */
    public long reclaimExpired(long nowNanos) {
        long count = 0;
        for (long done = 0; done < tableSlots; done += SWEEP_STEP) {
            count += reclaimExpired(nowNanos, (int) Math.min(SWEEP_STEP, tableSlots));
        }
        return count;
    }

    private void reclaimAround(long home, long now, boolean sweep) {
        for (int i = 0; i < probeWindow; i++) {
            reclaimSlot(SlotLayout.offset(home + i), now);
        }
        if (sweep) {
            long slot = Long.remainderUnsigned(sweepCursor.getAndAdd(SWEEP_STEP), tableSlots);
            for (long i = 0; i < SWEEP_STEP; i++) {
                reclaimSlot(SlotLayout.offset(slot), now);
                slot = slot + 1 == tableSlots ? 0 : slot + 1;
            }
        }
    }

    private boolean reclaimSlot(long slotOffset, long now) {
        long word = MemoryOrder.getAcquire(index, slotOffset);
        if (SlotLayout.state(word) != SlotLayout.STATE_LIVE) {
            return false;
        }
        long base = SlotLayout.record(word) * recordStride;
        long state = MemoryOrder.getAcquire(records, base);
        if (!StateWordLayout.isDead(algorithm, state)) {
            if (!expired(base, state, now)) {
                return false;
            }
            // Linearizes here (the eviction): the DEAD word replaces an expired state, which answers like
            // an absent key; every update CAS prepared against the old word now fails.
            if (!MemoryOrder.compareAndSet(records, base, state, StateWordLayout.dead(algorithm, state))) {
                return false;
            }
        }
        return unlink(slotOffset, word);
    }

    private boolean expired(long base, long state, long now) {
        return switch (algorithm) {
            case FIXED_WINDOW -> (StateWordLayout.fixedEndTicks(state) << StateWordLayout.TICK_SHIFT) + graceNanos <= now;
            case TOKEN_BUCKET -> StateWordLayout.bucketTat(state) + graceNanos <= now;
            case SLIDING_WINDOW_LOG -> {
                int ref = MemoryOrder.getIntPlain(records, base + RecordLayout.RING_REF_OFFSET);
                RingSlab slab = ref < 0 ? null : slabs.get(RingLayout.refSlab(ref));
                if (slab == null) {
                    yield false;
                }
                int ring = RingLayout.refRing(ref);
                MemorySegment segment = slab.chunk(ring);
                if (segment == null) {
                    yield false;
                }
                long ringBase = slab.offset(ring);
                long newest = StateWordLayout.logAdmissions(state) - 1;
                long slot = MemoryOrder.getAcquire(segment, ringBase + RingLayout.slotOffset(slab.limit, newest));
                if (RingLayout.lap(slot) != RingLayout.expectedLap(newest, slab.limit)) {
                    yield false;
                }
                long windowNanos = MemoryOrder.getAcquire(segment, ringBase + RingLayout.WINDOW_OFFSET);
                yield RingLayout.time(slot) + windowNanos + graceNanos <= now;
            }
        };
    }

    private RingSlab slabFor(long limit) {
        for (;;) {
            int count = slabCount.get();
            for (int id = 0; id < count; id++) {
                RingSlab slab = slabs.get(id);
                if (slab != null && slab.limit == limit) {
                    return slab;
                }
            }
            if (count >= RingLayout.MAX_SLABS) {
                return null;
            }
            if (slabCount.compareAndSet(count, count + 1)) {
                RingSlab slab = new RingSlab(count, limit, (int) Math.min(maxKeys, RingLayout.MAX_RINGS_PER_SLAB), arena, ringBudget);
                slabs.set(count, slab);
                return slab;
            }
        }
    }

    // ---------------------------------------------------------------- time, validation, stats, close

    private long storeNanos(long nowNanos) {
        long base = origin.get();
        if (base == UNSET_ORIGIN) {
            origin.compareAndSet(UNSET_ORIGIN, nowNanos - StateWordLayout.ORIGIN_LEAD_NANOS);
            base = origin.get();
        }
        long storeNanos = nowNanos - base;
        if (nowNanos < base || storeNanos < 0 || storeNanos >= StateWordLayout.MAX_NOW_STORE_NANOS) {
            throw new IllegalArgumentException("nowNanos=" + nowNanos + ": outside this store's time range [" + base
                    + ", " + (base + StateWordLayout.MAX_NOW_STORE_NANOS) + ")");
        }
        return storeNanos;
    }

    private IllegalArgumentException invalidArgument(long limit, long windowNanos, int length) {
        if (limit < 1 || limit > StateWordLayout.MAX_LIMIT) {
            return new IllegalArgumentException("limit=" + limit + ": must be between 1 and " + StateWordLayout.MAX_LIMIT);
        }
        if (windowNanos < StateWordLayout.MIN_WINDOW_NANOS || windowNanos > StateWordLayout.MAX_WINDOW_NANOS) {
            return new IllegalArgumentException("windowNanos=" + windowNanos + ": must be between "
                    + StateWordLayout.MIN_WINDOW_NANOS + " (1 ms) and " + StateWordLayout.MAX_WINDOW_NANOS + " (7 days)");
        }
        return new IllegalArgumentException("key length=" + length + " bytes: above maxKeyBytes=" + maxKeyBytes);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("store is closed", cause);
    }

    /** @return the algorithm every key runs */
    public StoreAlgorithm algorithm() {
        return algorithm;
    }

    /** @return keys currently held (live), at most {@link #capacity()} */
    public long size() {
        return live.get();
    }

    /** @return the most keys the store holds at once ({@link Builder#maxKeys(long)}) */
    public long capacity() {
        return maxKeys;
    }

    /**
     * @return slots in the index: twice {@link #capacity()} (at least 64) home slots, and the 63 after them
     *     into which a probe from the last home slots runs
     */
    public long indexSlots() {
        return tableSlots;
    }

    /** @return the longest key accepted, in UTF-8 bytes */
    public int maxKeyBytes() {
        return maxKeyBytes;
    }

    /** @return off-heap bytes allocated now: index, records and any sliding-window rings */
    public long offHeapBytes() {
        long bytes = fixedBytes;
        int count = slabCount.get();
        for (int id = 0; id < count; id++) {
            RingSlab slab = slabs.get(id);
            if (slab != null) {
                bytes += 64 + slab.allocatedBytes();
            }
        }
        return bytes;
    }

    /**
     * @return bytes of the index and records that were advised to use transparent huge pages: 0 when
     *     {@link Builder#hugePages(boolean)} is off, the tables are smaller than one huge page, or this JVM
     *     cannot ask (not Linux, or native access not enabled for this module). The kernel may still back
     *     advised bytes with small pages.
     */
    public long hugePageBytes() {
        return hugePageBytes;
    }

    /** @return calls that ended {@link AcquireStatus#TABLE_FULL} since the store was built */
    public long tableFullCount() {
        return tableFull.get();
    }

    /** @return keys reclaimed (expired state evicted) since the store was built */
    public long reclaimedCount() {
        return reclaimed.get();
    }

    /** @return true once {@link #close()} has been called */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees all off-heap memory. Threads inside {@code acquire} at that moment, and every later call, end
     * with {@link IllegalStateException} "store is closed". Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        for (;;) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException e) {
                if (!arena.scope().isAlive()) {
                    return;
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Sizes and builds a {@link KeyedStore}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        /** The default {@link #maxKeys(long)}. */
        public static final long DEFAULT_MAX_KEYS = 1_000_000;
        /**
         * The default {@link #maxKeyBytes(int)}: with it a record is 40 bytes (48 for SLIDING_WINDOW_LOG), and
         * with its 16 bytes of index a key costs 56.
         */
        public static final int DEFAULT_MAX_KEY_BYTES = 32;
        /** Ring memory a SLIDING_WINDOW_LOG store may use when no budget is set: 256 MiB. */
        public static final long DEFAULT_RING_BUDGET_BYTES = 256L << 20;
        /** The default {@link #reclaimGraceNanos(long)}: 1 s. */
        public static final long DEFAULT_RECLAIM_GRACE_NANOS = 1_000_000_000L;

        private final StoreAlgorithm algorithm;
        private long maxKeys = DEFAULT_MAX_KEYS;
        private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private long memoryBudgetBytes = -1;
        private long reclaimGraceNanos = DEFAULT_RECLAIM_GRACE_NANOS;
        private long originNanos = UNSET_ORIGIN;
        private long hashSeed = ThreadLocalRandom.current().nextLong();
        private boolean hugePages = true;

        private Builder(StoreAlgorithm algorithm) {
            this.algorithm = algorithm;
        }

        /**
         * @param maxKeys the most keys held at once, 1 to 2^30; a new key beyond it gets TABLE_FULL
         * @return this builder
         */
        public Builder maxKeys(long maxKeys) {
            if (maxKeys < 1) {
                throw new IllegalArgumentException("maxKeys=" + maxKeys + ": must be at least 1");
            }
            if (maxKeys > RecordLayout.MAX_RECORDS) {
                throw new IllegalArgumentException("maxKeys=" + maxKeys + ": must be at most " + RecordLayout.MAX_RECORDS);
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * @param maxKeyBytes the longest key in UTF-8 bytes (U+0000 counting two, see {@link KeyBuffer}), 1 to 4096;
         *     every record reserves this much, rounded up to 8
         * @return this builder
         */
        public Builder maxKeyBytes(int maxKeyBytes) {
            RecordLayout.checkMaxKeyBytes(maxKeyBytes);
            this.maxKeyBytes = maxKeyBytes;
            return this;
        }

        /**
         * @param memoryBudgetBytes off-heap bytes the store may ever allocate; must cover the index and the
         *     records; the rest is for sliding-window rings. Default: exactly the index and records, plus
         *     256 MiB of rings for SLIDING_WINDOW_LOG
         * @return this builder
         */
        public Builder memoryBudgetBytes(long memoryBudgetBytes) {
            if (memoryBudgetBytes < 1) {
                throw new IllegalArgumentException("memoryBudgetBytes=" + memoryBudgetBytes + ": must be at least 1");
            }
            this.memoryBudgetBytes = memoryBudgetBytes;
            return this;
        }

        /**
         * @param reclaimGraceNanos how long after expiring a key's state may be reclaimed, 0 to 1 day
         * @return this builder
         */
        public Builder reclaimGraceNanos(long reclaimGraceNanos) {
            if (reclaimGraceNanos < 0 || reclaimGraceNanos > 86_400_000_000_000L) {
                throw new IllegalArgumentException("reclaimGraceNanos=" + reclaimGraceNanos + ": must be between 0 and 86400000000000 (1 day)");
            }
            this.reclaimGraceNanos = reclaimGraceNanos;
            return this;
        }

        /**
         * @param originNanos the earliest {@code nowNanos} the store accepts; it accepts about 2.2 years
         *     after. Default: 2^52 ns (52 days) before the first {@code nowNanos} it sees
         * @return this builder
         */
        public Builder originNanos(long originNanos) {
            if (originNanos == UNSET_ORIGIN) {
                throw new IllegalArgumentException("originNanos=" + originNanos + ": reserved");
            }
            this.originNanos = originNanos;
            return this;
        }

        /**
         * @param hashSeed the seed of the key hash (default: random per store, so that keys chosen to
         *     collide in one store do not collide in another)
         * @return this builder
         */
        public Builder hashSeed(long hashSeed) {
            this.hashSeed = hashSeed;
            return this;
        }

        /**
         * @param hugePages whether to ask the OS for transparent huge pages for the index and the records
         *     (default true). On Linux with native access enabled for this module
         *     ({@code --enable-native-access=dev.sluice.store}, or {@code ALL-UNNAMED} on the class path), each
         *     table of 2 MiB or more is mapped 2 MiB-aligned and marked {@code MADV_HUGEPAGE}: fewer TLB misses
         *     when there are millions of keys. Elsewhere the tables come from the arena as usual;
         *     {@link KeyedStore#hugePageBytes()} tells which happened
         * @return this builder
         */
        public Builder hugePages(boolean hugePages) {
            this.hugePages = hugePages;
            return this;
        }

        /** @return off-heap bytes the index, records and free-list head take, for this configuration */
        public long fixedBytes() {
            return SlotLayout.tableSlots(SlotLayout.homeSlotsFor(maxKeys)) * SlotLayout.SLOT_BYTES
                    + maxKeys * RecordLayout.stride(algorithm, maxKeyBytes) + 64;
        }

        /** @return a new store */
        public KeyedStore build() {
            if (algorithm == null) {
                throw new IllegalArgumentException("algorithm=null: must be set");
            }
            long homeSlots = SlotLayout.homeSlotsFor(maxKeys);
            long fixed = fixedBytes();
            if (memoryBudgetBytes >= 0 && memoryBudgetBytes < fixed) {
                throw new IllegalArgumentException("memoryBudgetBytes=" + memoryBudgetBytes + ": below the " + fixed
                        + " bytes that maxKeys=" + maxKeys + " and maxKeyBytes=" + maxKeyBytes + " need");
            }
            return new KeyedStore(this, homeSlots, fixed);
        }
    }
}
