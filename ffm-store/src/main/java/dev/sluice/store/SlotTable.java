package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/*
 * THE INDEX PROTOCOL (docs/concurrency.md has the long form)
 *
 * One flat array of slots (SlotLayout): identity word, check word, state word (and a ring ref). A key is its
 * 128-bit fingerprint (Fingerprint): the identity word holds 48 bits of its high word, a generation and a
 * status, the check word its low word. A key lives within PROBE_WINDOW slots of its home slot.
 *
 * Slot life cycle
 *   FREE --claim CAS--> PENDING --verify, CAS--> LIVE --unlink CAS--> TOMB --claim CAS--> PENDING ...
 *                          \--lost or killed, CAS--> TOMB
 *   A slot is never FREE again once claimed, so every slot between a key's home and the key is not FREE
 *   (it was not FREE when the key was claimed, and stays so): lookups and verifications stop at FREE.
 *
 * Lookup: read identity words (acquire) from the home slot until the key's LIVE identity (any generation)
 *   with its check word, or FREE, or the end of the window. It returns a handle: the slot's offset and the
 *   generation it saw, so that every later CAS on the identity word, and the re-read that validates a
 *   refusal, name that key's time in the slot exactly. The check word was written before the CAS that made the slot
 *   LIVE, so the acquire read that sees LIVE sees it. A lookup that races with the key's reclaim and the
 *   slot's reuse can read the new key's check word; it then misses, and the insert path settles it.
 *
 * Insert (a key not found)
 *   1. Count it against capacity (live keys at most maxKeys).
 *   2. Claim the first FREE or TOMB slot of the window: CAS -> PENDING(48 fingerprint bits, generation + 1).
 *   3. Write the check word, the first state (and ring ref) plain: the slot is ours while PENDING.
 *   4. Verify: read the window up to the first FREE slot. The same key LIVE (and not DEAD) means we lost.
 *      A PENDING slot with the same 48 bits nearer the home slot means we lost; farther away it is killed
 *      (CAS -> TOMB). A PENDING claim's check word may not be written yet, so 48 bits decide: a false match
 *      (2^-48) costs one retry, never a wrong answer.
 *   5. CAS PENDING -> LIVE. Only a claim that nobody killed gets here; the CAS publishes steps 3's words.
 *   A loser makes its slot a TOMB and starts again from the lookup; it finds the winner.
 *   Why at most one LIVE slot per key: take two claims p and q of one key that both went LIVE, p claimed
 *   first. q's verification started after q's claim, hence after p's, and read p's slot (no FREE slot lies
 *   between the home slot and p) while p was PENDING: LIVE would have made q lose. If p is nearer, q lost;
 *   if farther, q killed p, so p's CAS to LIVE failed. Either way a contradiction.
 *
 * Update (the key found LIVE): read the state word (acquire), compute, CAS. A failed CAS re-reads. A DEAD
 *   word means the key was reclaimed: help unlink the slot, then start again as a new key. The CAS is also
 *   the validation of the lookup: it succeeds only on the state word the lookup's slot held, and a slot
 *   reused by another key holds another word (its generation, or for fixed windows a later window end, see
 *   StateWordLayout). A refusal, which writes nothing, re-reads the identity word after the state word.
 *
 * Reclaim (Reclaimer): a LIVE slot whose state expired at least the grace period ago gets a DEAD state word
 *   by CAS (the eviction: every update CAS prepared against the old word now fails); then any thread that
 *   sees the DEAD word CASes the identity LIVE -> TOMB, and the one that succeeds gives back the capacity
 *   (and the ring). The identity it CASes carries the generation it read before the state: if the slot was
 *   freed and claimed again meanwhile, even by the same key, the generation differs and the CAS fails, so a
 *   live key is never unlinked. Eviction is lossless: an expired state and an absent key answer the same.
 *
 * Reset (KeyedStore.reset): an eviction on demand. The live state word is CASed to DEAD (the linearization
 *   point, as for the reclaimer) and the slot unlinked as above; no expiry is needed, so a sliding-window
 *   reset first waits for the key's admissions still writing their ring times (SlidingLogStore.settled).
 *
 * Peek (KeyedStore.peek): an update that writes nothing; it linearizes at its state read, validated by the
 *   identity re-read as a refusal is.
 *
 * Give-back (KeyedStore.acquireAll): a compensating CAS on the state word that names the charge (its window
 *   end, or its generation), so that it returns units only to the state they were taken from.
 *
 * References: Cliff Click's NonBlockingHashMap (claim-by-CAS slots); Purcell and Harris, "Non-blocking
 * hashtables with open addressing" (bounded probe windows, claim then verify).
 */
final class SlotTable {
    static final long NOT_FOUND = -1;
    /** A handle is the slot's offset shifted left by this, or'ed with the identity's generation and status bits. */
    static final int HANDLE_SHIFT = SlotLayout.GENERATION_SHIFT + SlotLayout.GENERATION_BITS;
    static final long LOST = -2;
    static final long FULL = -3;

    final MemorySegment slots;
    final long homeSlots;
    final long tableSlots;
    final int slotBytes;
    final long maxKeys;
    private final StoreAlgorithm algorithm;
    private final RingSlabs rings;
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();

    SlotTable(MemorySegment slots, long homeSlots, long maxKeys, StoreAlgorithm algorithm, RingSlabs rings) {
        this.slots = slots;
        this.homeSlots = homeSlots;
        this.tableSlots = SlotLayout.tableSlots(homeSlots);
        this.slotBytes = SlotLayout.slotBytes(algorithm);
        this.maxKeys = maxKeys;
        this.algorithm = algorithm;
        this.rings = rings;
    }

    long home(long lo) {
        return SlotLayout.home(lo, homeSlots);
    }

    long offset(long slot) {
        return slot * slotBytes;
    }

    /** Reads the key's home slot: issued for every key of a batch first, so their cache misses overlap. */
    long touch(long lo) {
        return MemoryOrder.getPlain(slots, offset(home(lo)));
    }

    /** @return the handle of the key's LIVE slot (see HANDLE_SHIFT), or NOT_FOUND */
    long find(long hi, long lo, long home) {
        long want = SlotLayout.live(hi);
        long offset = offset(home);
        for (int i = 0; i < SlotLayout.PROBE_WINDOW; i++, offset += slotBytes) {
            long identity = MemoryOrder.getAcquire(slots, offset);
            if (((identity & SlotLayout.FINGERPRINT_MASK) | (identity & SlotLayout.STATUS_MASK)) == want) {
                if (MemoryOrder.getPlain(slots, offset + SlotLayout.CHECK_OFFSET) == lo) {
                    return (offset << HANDLE_SHIFT) | (identity & SlotLayout.GENERATION_AND_STATUS);
                }
            } else if (identity == SlotLayout.FREE) {
                return NOT_FOUND;
            }
        }
        return NOT_FOUND;
    }

    static long offsetOf(long handle) {
        return handle >>> HANDLE_SHIFT;
    }

    /** @return the identity word a handle saw */
    static long identityOf(long hi, long handle) {
        return (hi & SlotLayout.FINGERPRINT_MASK) | (handle & SlotLayout.GENERATION_AND_STATUS);
    }

    long state(long offset) {
        return MemoryOrder.getAcquire(slots, offset + SlotLayout.STATE_OFFSET);
    }

    boolean casState(long offset, long expected, long next) {
        return MemoryOrder.compareAndSet(slots, offset + SlotLayout.STATE_OFFSET, expected, next);
    }

    /** @return true when the slot still holds the identity the handle saw (the re-read that validates a refusal) */
    boolean stillLive(long handle, long hi) {
        MemoryOrder.loadFence();
        return MemoryOrder.getAcquire(slots, offsetOf(handle)) == identityOf(hi, handle);
    }

    /** @return the state word of a slot this thread has claimed (PENDING): the previous key's DEAD word, or 0 */
    long claimedState(long offset) {
        return MemoryOrder.getPlain(slots, offset + SlotLayout.STATE_OFFSET);
    }

    /**
     * Claims a slot for a new key: returns its offset, PENDING and owned by this thread, or FULL when the
     * table holds maxKeys keys or the key's window has no FREE or TOMB slot.
     */
    long claim(long hi, long home) {
        if (live.getAndIncrement() >= maxKeys) {
            live.getAndDecrement();
            return FULL;
        }
        long offset = offset(home);
        for (int i = 0; i < SlotLayout.PROBE_WINDOW; i++, offset += slotBytes) {
            long identity = MemoryOrder.getAcquire(slots, offset);
            long status = SlotLayout.status(identity);
            // Linearizes here (the claim): from this CAS on, every verification of this key reads this slot.
            if ((status == SlotLayout.FREE || status == SlotLayout.TOMB)
                    && MemoryOrder.compareAndSet(slots, offset, identity, SlotLayout.pending(hi, identity))) {
                return offset;
            }
        }
        live.getAndDecrement();
        return FULL;
    }

    /** Writes the words of a claimed slot; they are published by {@link #publish}. */
    void fill(long offset, long lo, long state) {
        MemoryOrder.setPlain(slots, offset + SlotLayout.CHECK_OFFSET, lo);
        MemoryOrder.setPlain(slots, offset + SlotLayout.STATE_OFFSET, state);
    }

    void fillRingRef(long offset, int ringRef) {
        MemoryOrder.setIntPlain(slots, offset + SlotLayout.RING_REF_OFFSET, ringRef);
    }

    int ringRef(long offset) {
        return MemoryOrder.getIntPlain(slots, offset + SlotLayout.RING_REF_OFFSET);
    }

    /**
     * Verifies a claim and publishes it: true when the key is now LIVE in the claimed slot; false when
     * another claim of the key won (the slot is a TOMB again and its capacity given back).
     */
    boolean publish(long hi, long lo, long home, long claimedOffset) {
        long pending = MemoryOrder.getPlain(slots, claimedOffset);
        // Linearizes here (the insert, with the key's first request): PENDING -> LIVE succeeds only for a
        // claim that no verification killed, and at most one claim per key gets here (see the essay).
        if (verify(hi, lo, home, claimedOffset)
                && MemoryOrder.compareAndSet(slots, claimedOffset, pending, SlotLayout.published(pending))) {
            return true;
        }
        MemoryOrder.compareAndSet(slots, claimedOffset, pending, SlotLayout.tomb(pending));
        live.getAndDecrement();
        return false;
    }

    /** @return true when no other claim of the key beats the one at {@code claimedOffset} */
    private boolean verify(long hi, long lo, long home, long claimedOffset) {
        long bits = hi & SlotLayout.FINGERPRINT_MASK;
        long offset = offset(home);
        for (int i = 0; i < SlotLayout.PROBE_WINDOW; i++, offset += slotBytes) {
            if (offset == claimedOffset) {
                continue;
            }
            for (;;) {
                long identity = MemoryOrder.getAcquire(slots, offset);
                if (identity == SlotLayout.FREE) {
                    return true;
                }
                long status = SlotLayout.status(identity);
                if (status == SlotLayout.TOMB || (identity & SlotLayout.FINGERPRINT_MASK) != bits) {
                    break;
                }
                if (status == SlotLayout.LIVE) {
                    long check = MemoryOrder.getPlain(slots, offset + SlotLayout.CHECK_OFFSET);
                    long state = state(offset);
                    MemoryOrder.loadFence();
                    if (MemoryOrder.getAcquire(slots, offset) != identity) {
                        continue;
                    }
                    if (check != lo) {
                        break;
                    }
                    if (!isDead(state)) {
                        return false;
                    }
                    unlink(offset, identity);
                    break;
                }
                if (offset < claimedOffset) {
                    return false;
                }
                // Linearizes here (a kill): the farther claim of the same key can no longer go LIVE.
                if (MemoryOrder.compareAndSet(slots, offset, identity, SlotLayout.tomb(identity))) {
                    break;
                }
            }
        }
        return true;
    }

    /**
     * Frees a LIVE slot whose state word is DEAD; the thread whose CAS succeeds gives back the capacity and
     * the ring.
     *
     * @return true for the thread that freed it
     */
    boolean unlink(long offset, long identity) {
        // The ring ref is read while the slot is still LIVE: once it is a TOMB, a new claim may rewrite it.
        int ref = rings == null ? -1 : ringRef(offset);
        // Linearizes here (the unlink): one thread moves this LIVE word to TOMB, so the capacity and the ring
        // are given back once; the DEAD state keeps every stale state CAS failing until the slot is reused.
        if (!MemoryOrder.compareAndSet(slots, offset, identity, SlotLayout.tomb(identity))) {
            return false;
        }
        if (ref >= 0) {
            rings.release(ref);
        }
        live.getAndDecrement();
        reclaimed.getAndIncrement();
        return true;
    }

    /** Unlinks the key's slot after an update through {@code handle} found its state DEAD. */
    void unlinkDead(long handle, long hi) {
        unlink(offsetOf(handle), identityOf(hi, handle));
    }

    boolean isDead(long state) {
        return switch (algorithm) {
            case FIXED_WINDOW -> StateWordLayout.fixedDead(state);
            case TOKEN_BUCKET -> StateWordLayout.bucketDead(state);
            case SLIDING_WINDOW_LOG -> StateWordLayout.logDead(state);
        };
    }

    long deadFrom(long state) {
        return switch (algorithm) {
            case FIXED_WINDOW -> StateWordLayout.fixedDeadFrom(state);
            case TOKEN_BUCKET -> StateWordLayout.bucketDeadFrom(state);
            case SLIDING_WINDOW_LOG -> StateWordLayout.logDeadFrom(state);
        };
    }

    long identity(long offset) {
        return MemoryOrder.getAcquire(slots, offset);
    }

    long size() {
        return live.get();
    }

    long reclaimedCount() {
        return reclaimed.get();
    }
}
