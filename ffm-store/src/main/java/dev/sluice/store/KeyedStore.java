package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap keyed rate-limit state for one {@link StoreAlgorithm}: every key's fingerprint and state live in
 * one {@link MemorySegment} table (and, for sliding-window logs, ring slabs) of one shared {@link Arena},
 * sized when the store is built; nothing on the heap grows with the number of keys, and a key of any length
 * costs the same bytes.
 *
 * <p>A key is named by its 128-bit {@link Fingerprint} ({@link #fingerprint()}); {@link #acquire(String, long,
 * long, long, AcquireResult)} fingerprints a string for the caller. The store is a facade over a
 * {@code SlotTable} (the lock-free index), a {@code Reclaimer} and one final subclass per algorithm, so the
 * request path of a store is monomorphic.
 *
 * <p>Besides charging, a store answers what a charge would answer ({@link #peek(long, long, long, long, long,
 * long, AcquireResult) peek}), forgets a key ({@link #reset(long, long, long) reset}) and charges a batch all
 * or nothing ({@link #acquireAll(StoreBatch, long) acquireAll}); docs/concurrency.md says where each
 * linearizes.
 *
 * <p>Thread-safe; {@code acquire}, {@code peek} and {@code acquireAll} never block, never allocate and never
 * take a lock; a sliding-window {@code reset} may wait for the key's admissions in flight to write their times.
 */
public abstract sealed class KeyedStore implements AutoCloseable permits FixedWindowStore, TokenBucketStore, SlidingLogStore {
    /** The largest limit a key may have. */
    public static final long MAX_LIMIT = StateWordLayout.MAX_LIMIT;
    /** The longest window a key may have, in nanoseconds (7 days). */
    public static final long MAX_WINDOW_NANOS = StateWordLayout.MAX_WINDOW_NANOS;
    /** The shortest window a key may have, in nanoseconds (1 ms). */
    public static final long MIN_WINDOW_NANOS = StateWordLayout.MIN_WINDOW_NANOS;
    /** The most keys a store holds. */
    public static final long MAX_KEYS = SlotLayout.MAX_KEYS;
    /** The most distinct limits the keys of one SLIDING_WINDOW_LOG store may have: each has rings of its own. */
    public static final int MAX_SLIDING_WINDOW_LIMITS = RingLayout.MAX_SLABS;

    /**
     * How far a stored time may lie past what a live state can hold (now + window) and still be taken as
     * live: the room for threads whose clock readings arrive out of order. Beyond it the time is from an
     * earlier period of the truncated clock, and the state counts as expired (StateWordLayout).
     */
    static final long SKEW_NANOS = 1L << 40;

    static final int INSERTED = 0;
    static final int LOST = 1;
    static final int FULL = 2;

    final StoreAlgorithm algorithm;
    final Arena arena;
    final SlotTable table;
    final Reclaimer reclaimer;
    final long graceNanos;
    private final Fingerprint fingerprint;
    private final long fixedBytes;
    private final long hugePageBytes;
    private final AtomicLong tableFull = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    KeyedStore(Builder builder, Arena arena, RingSlabs rings) {
        this.algorithm = builder.algorithm;
        this.arena = arena;
        this.graceNanos = builder.reclaimGraceNanos;
        this.fingerprint = builder.fingerprint();
        long homeSlots = SlotLayout.homeSlotsFor(builder.maxKeys);
        long tableBytes = SlotLayout.tableSlots(homeSlots) * SlotLayout.slotBytes(algorithm);
        NativeMemory.Table slots = NativeMemory.allocate(arena, tableBytes, SlotLayout.ALIGNMENT, builder.hugePages);
        this.hugePageBytes = slots.hugePageBytes();
        this.fixedBytes = builder.fixedBytes();
        this.table = new SlotTable(slots.segment(), homeSlots, builder.maxKeys, algorithm, rings);
        this.reclaimer = new Reclaimer(table, new Reclaimer.Expiry() {
            @Override
            public boolean expired(long offset, long state, long reference, long now) {
                return KeyedStore.this.expired(offset, state, reference, now);
            }

            @Override
            public void visitLive(long offset, long state, long reference, long now) {
                KeyedStore.this.visitLive(offset, state, reference, now);
            }
        });
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

    /** {@return the function that names keys in this store: its secrets are this store's own} */
    public final Fingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * Charges one unit to {@code key}, fingerprinted under seed 0, creating its state when it is new or expired.
     *
     * @param key the key, any length
     * @param limit units per window, 1 to {@value StateWordLayout#MAX_LIMIT}
     * @param windowNanos the window, 1 ms to 7 days
     * @param nowNanos the current time from one monotonic source per store (System.nanoTime or a test clock)
     * @param out where the outcome is written
     * @return {@code out.allowed()}
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean acquire(String key, long limit, long windowNanos, long nowNanos, AcquireResult out) {
        long hi = fingerprint.of(0, key, out.lo, 0);
        return acquire(hi, out.lo[0], 1, limit, windowNanos, nowNanos, out);
    }

    /**
     * Charges {@code permits} units to the key whose fingerprint is ({@code hi}, {@code lo}), creating its state
     * when it is new or expired. A request is admitted whole or not at all.
     *
     * @param hi the fingerprint's high word, from {@link Fingerprint#of}
     * @param lo the fingerprint's low word
     * @param permits units this request costs, 1 to {@code limit}
     * @param limit units per window, 1 to {@value StateWordLayout#MAX_LIMIT}
     * @param windowNanos the window, 1 ms to 7 days; part of the key's identity while it is live
     * @param nowNanos the current time from one monotonic source per store
     * @param out where the outcome is written
     * @return {@code out.allowed()}
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean acquire(long hi, long lo, long permits, long limit, long windowNanos, long nowNanos,
            AcquireResult out) {
        checkArguments(permits, limit, windowNanos);
        if (closed) {
            throw closedException(null);
        }
        try {
            reclaimer.pace(nowNanos);
            return admit(hi, lo, permits, limit, windowNanos, nowNanos, out);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Charges every request of {@code batch} at one time, in order. The keys' slots are read first, all of
     * them, so that their cache misses overlap instead of queueing; then each request is decided as
     * {@link #acquire(long, long, long, long, long, long, AcquireResult)} would, into {@code batch.result(i)}.
     *
     * @param batch the requests
     * @param nowNanos the current time
     * @throws IllegalArgumentException if a request's arguments are out of range (nothing is charged)
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final void acquire(StoreBatch batch, long nowNanos) {
        int size = batch.size();
        checkOpenFor(batch);
        try {
            reclaimer.pace(nowNanos);
            if (size > 1) {
                // One read of each home slot before any is decided: their cache misses overlap.
                long seen = 0;
                for (int i = 0; i < size; i++) {
                    seen ^= table.touch(batch.lo[i]);
                }
                batch.touched = seen;
            }
            for (int i = 0; i < size; i++) {
                admit(batch.hi[i], batch.lo[i], batch.permits[i], batch.limits[i], batch.windows[i], nowNanos,
                        batch.results[i]);
            }
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Charges every request of {@code batch}, or none of them: the requests are charged in order, and when one
     * is refused, the charges of the requests before it are given back, newest first, each by a compensating
     * CAS (see docs/concurrency.md, "All or nothing"). Meanwhile a concurrent request may see a charge that is
     * then given back, and may be refused because of it; once this method returns a refusal, none of the
     * batch's charges remain, and no key ever admits more than its limit.
     *
     * <p>When every request is charged, each {@code batch.result(i)} holds what
     * {@link #acquire(long, long, long, long, long, long, AcquireResult)} would have answered. When request
     * {@code k} is refused, {@code batch.result(k)} holds its refusal ({@link AcquireStatus#BLOCKED} with its
     * retry-after and reset, or {@link AcquireStatus#TABLE_FULL}), and every other result is BLOCKED with
     * remaining, reset-after and retry-after 0: the requests before {@code k} were given back, those after it
     * were not tried.
     *
     * @param batch the requests
     * @param nowNanos the current time
     * @return -1 when every request was charged, else the index of the refused request
     * @throws IllegalArgumentException if a request's arguments are out of range (nothing is charged)
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final int acquireAll(StoreBatch batch, long nowNanos) {
        int size = batch.size();
        checkOpenFor(batch);
        try {
            reclaimer.pace(nowNanos);
            long[] words = batch.charged;
            for (int i = 0; i < size; i++) {
                AcquireResult out = batch.results[i];
                words[i] = charge(batch.hi[i], batch.lo[i], batch.permits[i], batch.limits[i], batch.windows[i], nowNanos, out);
                if (!out.allowed()) {
                    // Newest first: a key charged twice gives back its later charge while it is still the newest.
                    for (int j = i - 1; j >= 0; j--) {
                        refund(batch.hi[j], batch.lo[j], batch.permits[j], batch.limits[j], batch.windows[j], words[j], nowNanos);
                    }
                    for (int j = 0; j < size; j++) {
                        if (j != i) {
                            batch.results[j].set(AcquireResult.BLOCKED, 0, 0, 0);
                        }
                    }
                    return i;
                }
            }
            return -1;
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Answers what {@link #acquire(String, long, long, long, AcquireResult)} would answer now, without changing
     * anything: one unit, the key fingerprinted under seed 0.
     *
     * @param key the key, any length
     * @param limit units per window
     * @param windowNanos the window
     * @param nowNanos the current time
     * @param out where the answer is written
     * @return {@code out.allowed()}
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean peek(String key, long limit, long windowNanos, long nowNanos, AcquireResult out) {
        long hi = fingerprint.of(0, key, out.lo, 0);
        return peek(hi, out.lo[0], 1, limit, windowNanos, nowNanos, out);
    }

    /**
     * Answers what {@link #acquire(long, long, long, long, long, long, AcquireResult)} of {@code permits} would
     * answer now (allowed or blocked, remaining, reset-after, retry-after), without changing anything: no state
     * is written, no key created, nothing reclaimed. An absent or expired key answers as a new key would; the
     * table's room is not consulted (a new key is answered ALLOWED even when an acquire would find the table
     * full). Never blocks, never allocates.
     *
     * @param hi the fingerprint's high word
     * @param lo the fingerprint's low word
     * @param permits units the request would cost, 1 to {@code limit}
     * @param limit units per window
     * @param windowNanos the window
     * @param nowNanos the current time
     * @param out where the answer is written
     * @return {@code out.allowed()}
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean peek(long hi, long lo, long permits, long limit, long windowNanos, long nowNanos, AcquireResult out) {
        checkArguments(permits, limit, windowNanos);
        if (closed) {
            throw closedException(null);
        }
        try {
            return inspect(hi, lo, permits, limit, windowNanos, nowNanos, out);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Answers every request of {@code batch} as {@link #peek(long, long, long, long, long, long, AcquireResult)}
     * would, into {@code batch.result(i)}. Nothing is charged, so a key named twice gets the same answer twice.
     *
     * @param batch the requests
     * @param nowNanos the current time
     * @throws IllegalArgumentException if a request's arguments are out of range
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final void peek(StoreBatch batch, long nowNanos) {
        int size = batch.size();
        checkOpenFor(batch);
        try {
            for (int i = 0; i < size; i++) {
                inspect(batch.hi[i], batch.lo[i], batch.permits[i], batch.limits[i], batch.windows[i], nowNanos, batch.results[i]);
            }
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Forgets {@code key}, fingerprinted under seed 0: see {@link #reset(long, long, long)}.
     *
     * @param key the key, any length
     * @param nowNanos the current time
     * @return true when the key held state that had not expired at {@code nowNanos}
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean reset(String key, long nowNanos) {
        long[] lo = new long[1];
        long hi = fingerprint.of(0, key, lo, 0);
        return reset(hi, lo[0], nowNanos);
    }

    /**
     * Forgets the state of the key whose fingerprint is ({@code hi}, {@code lo}): from this call's
     * linearization point on, the key answers as a new key. The key is evicted as the reclaimer evicts it (its
     * state word CASed to DEAD, then its slot unlinked, a sliding-window ring freed), so a reset is safe
     * against concurrent acquires and sweeps of the same key: an acquire that races with it is decided either
     * before it (and forgotten) or after it (and counted against the key's new state). A sliding-window reset
     * first waits for admissions of the key still writing their times (a few stores) to finish.
     *
     * @param hi the fingerprint's high word
     * @param lo the fingerprint's low word
     * @param nowNanos the current time, to tell live state from expired
     * @return true when the key held state that had not expired at {@code nowNanos} (a window not yet over, a
     *     bucket not yet full, an admission still in the window)
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final boolean reset(long hi, long lo, long nowNanos) {
        if (closed) {
            throw closedException(null);
        }
        try {
            return forget(hi, lo, nowNanos);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Forgets every key of {@code batch} as {@link #reset(long, long, long)} does; the requests' permits,
     * limits and windows are ignored, and their results are left as they were.
     *
     * @param batch the keys
     * @param nowNanos the current time
     * @return how many of the keys held state that had not expired (a key named twice counts once)
     * @throws IllegalStateException if the store is closed, or closes during the call
     */
    public final int reset(StoreBatch batch, long nowNanos) {
        if (closed) {
            throw closedException(null);
        }
        try {
            int live = 0;
            for (int i = 0; i < batch.size(); i++) {
                live += forget(batch.hi[i], batch.lo[i], nowNanos) ? 1 : 0;
            }
            return live;
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * The reset of one key; the store is open.
     *
     * <p>Linearizes at the CAS of the key's live state word to DEAD, the eviction's own linearization point
     * (Reclaimer): every update CAS prepared against the old word fails from then on, and the key's next
     * acquire finds no live state and inserts it anew. Or, when the key holds no live state, at the lookup
     * that misses it. A DEAD word found on the way is a life that already ended: its slot is unlinked and the
     * lookup repeated, because the key may have been inserted again in another slot since.
     */
    private boolean forget(long hi, long lo, long now) {
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                return false;
            }
            long offset = SlotTable.offsetOf(handle);
            for (;;) {
                long state = table.state(offset);
                if (table.isDead(state)) {
                    table.unlinkDead(handle, hi);
                    break;
                }
                if (!table.stillLive(handle, hi)) {
                    break;
                }
                if (!settled(offset, state)) {
                    continue;
                }
                boolean live = unexpired(offset, state, now);
                // Linearizes here (the reset): the same CAS as an eviction's; at most one live state per key.
                if (table.casState(offset, state, table.deadFrom(state))) {
                    table.unlinkDead(handle, hi);
                    return live;
                }
            }
        }
    }

    /** Decides and charges one request; arguments are valid and the store open. */
    abstract boolean admit(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out);

    /**
     * Decides and charges one request as {@link #admit} does.
     *
     * @return when {@code out.allowed()}, the state word the charge wrote (what {@link #refund} needs to give
     *     it back); otherwise meaningless
     */
    abstract long charge(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out);

    /** Gives back a charge of {@code permits} that wrote {@code charged}, as far as it remains in the key's state. */
    abstract void refund(long hi, long lo, long permits, long limit, long windowNanos, long charged, long now);

    /** Answers as {@link #admit} would, writing nothing. */
    abstract boolean inspect(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out);

    /** @return true when a live state word had not expired at {@code now} (it answers otherwise than a new key) */
    abstract boolean unexpired(long offset, long state, long now);

    /**
     * Called by a reset before it ends a key's life. A store whose updates write beyond the state word after
     * their CAS waits here until they are done.
     *
     * @return false when the state word changed meanwhile (the reset reads it again)
     */
    boolean settled(long offset, long state) {
        return true;
    }

    /**
     * @param reference the time near which the state's truncated times are read back (Reclaimer.Expiry)
     * @return true when a LIVE slot's state expired at least the grace period before {@code now}
     */
    abstract boolean expired(long offset, long state, long reference, long now);

    /** A sweep's visit to a LIVE slot that did not expire. */
    void visitLive(long offset, long state, long reference, long now) {
    }

    /**
     * Claims a slot for a new key, making room first when there is none.
     *
     * @return the claimed slot's offset, or {@link SlotTable#FULL}
     */
    final long claim(long hi, long home, long now) {
        reclaimer.onInsert(now);
        long offset = table.claim(hi, home);
        if (offset == SlotTable.FULL) {
            reclaimer.makeRoom(home, now);
            offset = table.claim(hi, home);
        }
        return offset;
    }

    /** Fills and publishes a claimed slot. @return INSERTED, or LOST when another claim of the key won */
    final int publish(long hi, long lo, long home, long offset, long state) {
        table.fill(offset, lo, state);
        return table.publish(hi, lo, home, offset) ? INSERTED : LOST;
    }

    final boolean tableFull(AcquireResult out) {
        long refusals = tableFull.incrementAndGet();
        TableFullEvent event = new TableFullEvent();
        if (event.shouldCommit()) {
            event.liveKeys = table.size();
            event.capacity = table.maxKeys;
            event.refusals = refusals;
            event.commit();
        }
        out.set(AcquireResult.TABLE_FULL, 0, 0, 0);
        return false;
    }

    @SuppressWarnings("ShortCircuitBoolean")
    private static void checkArguments(long permits, long limit, long windowNanos) {
        // Non-short-circuit ors: one well-predicted branch on the request path, whichever argument is bad.
        if (limit < 1 | limit > StateWordLayout.MAX_LIMIT | windowNanos < StateWordLayout.MIN_WINDOW_NANOS
                | windowNanos > StateWordLayout.MAX_WINDOW_NANOS | permits < 1 | permits > limit) {
            throw invalidArgument(permits, limit, windowNanos);
        }
    }

    /** Checks every request of a batch, then that the store is open: a bad batch is refused before any work. */
    private void checkOpenFor(StoreBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            checkArguments(batch.permits[i], batch.limits[i], batch.windows[i]);
        }
        if (closed) {
            throw closedException(null);
        }
    }

    private static IllegalArgumentException invalidArgument(long permits, long limit, long windowNanos) {
        if (limit < 1 || limit > StateWordLayout.MAX_LIMIT) {
            return new IllegalArgumentException("limit=" + limit + ": must be between 1 and " + StateWordLayout.MAX_LIMIT);
        }
        if (windowNanos < StateWordLayout.MIN_WINDOW_NANOS || windowNanos > StateWordLayout.MAX_WINDOW_NANOS) {
            return new IllegalArgumentException("windowNanos=" + windowNanos + ": must be between "
                    + StateWordLayout.MIN_WINDOW_NANOS + " (1 ms) and " + StateWordLayout.MAX_WINDOW_NANOS + " (7 days)");
        }
        return new IllegalArgumentException("permits=" + permits + ": must be between 1 and the limit, " + limit);
    }

    private RuntimeException closedOr(IllegalStateException e) {
        return closed ? closedException(e) : e;
    }

    private static IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("store is closed", cause);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    // ---------------------------------------------------------------- reclaim, stats, close

    /**
     * Reclaims expired keys in the next {@code maxSlots} slots of a cursor shared by all sweepers; safe to
     * call from any thread, concurrently with {@code acquire}. Never blocks.
     *
     * @param nowNanos the current time, from the clock given to {@code acquire}
     * @param maxSlots slots to examine, at least 1
     * @return keys reclaimed
     * @throws IllegalStateException if the store is closed
     */
    public final int reclaimExpired(long nowNanos, int maxSlots) {
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots=" + maxSlots + ": must be at least 1");
        }
        if (closed) {
            throw closedException(null);
        }
        try {
            return reclaimer.sweep(nowNanos, maxSlots);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /**
     * Sweeps the whole table once, reclaiming expired keys.
     *
     * @param nowNanos the current time, from the clock given to {@code acquire}
     * @return keys reclaimed
     * @throws IllegalStateException if the store is closed
     */
    public final long reclaimExpired(long nowNanos) {
        if (closed) {
            throw closedException(null);
        }
        try {
            return reclaimer.sweepAllExplicitly(nowNanos);
        } catch (IllegalStateException e) {
            throw closedOr(e);
        }
    }

    /** {@return the algorithm every key runs} */
    public final StoreAlgorithm algorithm() {
        return algorithm;
    }

    /** {@return keys currently held (live), at most {@link #capacity()}} */
    public final long size() {
        return table.size();
    }

    /** {@return the most keys the store holds at once ({@link Builder#maxKeys(long)})} */
    public final long capacity() {
        return table.maxKeys;
    }

    /**
     * {@return slots in the table: twice {@link #capacity()} (at least 64) home slots, and the 63 after them
     *     into which a probe from the last home slots runs}
     */
    public final long tableSlots() {
        return table.tableSlots;
    }

    /** {@return off-heap bytes allocated now: the table and any sliding-window rings} */
    public long offHeapBytes() {
        return fixedBytes;
    }

    /**
     * {@return bytes of the table that were advised to use transparent huge pages: 0 when
     *     {@link Builder#hugePages(boolean)} is off, the table is smaller than one huge page, or this JVM
     *     cannot ask (not Linux, or native access not enabled for this module)} The kernel may still back
     *     advised bytes with small pages.
     */
    public final long hugePageBytes() {
        return hugePageBytes;
    }

    /** {@return calls that ended {@link AcquireStatus#TABLE_FULL} since the store was built} */
    public final long tableFullCount() {
        return tableFull.get();
    }

    /** {@return keys reclaimed (expired state evicted) since the store was built} */
    public final long reclaimedCount() {
        return table.reclaimedCount();
    }

    /** {@return true once {@link #close()} has been called} */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Frees all off-heap memory. Threads inside {@code acquire} at that moment, and every later call, end
     * with {@link IllegalStateException} "store is closed". Idempotent.
     */
    @Override
    public final void close() {
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
        /** Ring memory a SLIDING_WINDOW_LOG store may use when no budget is set: 256 MiB. */
        public static final long DEFAULT_RING_BUDGET_BYTES = 256L << 20;
        /** The default {@link #reclaimGraceNanos(long)}: 1 s. */
        public static final long DEFAULT_RECLAIM_GRACE_NANOS = 1_000_000_000L;

        private final StoreAlgorithm algorithm;
        private long maxKeys = DEFAULT_MAX_KEYS;
        private long memoryBudgetBytes = -1;
        private long reclaimGraceNanos = DEFAULT_RECLAIM_GRACE_NANOS;
        private boolean seeded;
        private long hashSeed;
        private boolean hugePages = true;

        private Builder(StoreAlgorithm algorithm) {
            this.algorithm = algorithm;
        }

        /**
         * Sets how many keys the store holds at once; the table is sized for it.
         *
         * @param maxKeys the most keys held at once, 1 to 2^30; a new key beyond it gets TABLE_FULL once
         *     expired keys have been reclaimed
         * @return this builder
         * @throws IllegalArgumentException if {@code maxKeys} is outside 1 to 2^30
         */
        public Builder maxKeys(long maxKeys) {
            if (maxKeys < 1 || maxKeys > SlotLayout.MAX_KEYS) {
                throw new IllegalArgumentException("maxKeys=" + maxKeys + ": must be between 1 and " + SlotLayout.MAX_KEYS);
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * Caps the off-heap memory the store allocates over its life.
         *
         * @param memoryBudgetBytes off-heap bytes the store may ever allocate; must cover the table; the rest
         *     is for sliding-window rings. Default: exactly the table, plus 256 MiB of rings for SLIDING_WINDOW_LOG
         * @return this builder
         * @throws IllegalArgumentException if {@code memoryBudgetBytes} is below 1
         */
        public Builder memoryBudgetBytes(long memoryBudgetBytes) {
            if (memoryBudgetBytes < 1) {
                throw new IllegalArgumentException("memoryBudgetBytes=" + memoryBudgetBytes + ": must be at least 1");
            }
            this.memoryBudgetBytes = memoryBudgetBytes;
            return this;
        }

        /**
         * Sets how long an expired key's state is kept before its slot may be reused.
         *
         * @param reclaimGraceNanos how long after expiring a key's state may be reclaimed, 0 to 1 day
         * @return this builder
         * @throws IllegalArgumentException if {@code reclaimGraceNanos} is outside 0 to 1 day
         */
        public Builder reclaimGraceNanos(long reclaimGraceNanos) {
            if (reclaimGraceNanos < 0 || reclaimGraceNanos > 86_400_000_000_000L) {
                throw new IllegalArgumentException("reclaimGraceNanos=" + reclaimGraceNanos + ": must be between 0 and 86400000000000 (1 day)");
            }
            this.reclaimGraceNanos = reclaimGraceNanos;
            return this;
        }

        /**
         * Derives the fingerprint's secrets from a seed instead of at random.
         *
         * @param hashSeed fixes the fingerprint's secrets, for reproducible tests (default: random secrets per
         *     store, so that nobody outside the process can predict a fingerprint)
         * @return this builder
         */
        public Builder hashSeed(long hashSeed) {
            this.seeded = true;
            this.hashSeed = hashSeed;
            return this;
        }

        /**
         * Chooses whether the table asks for transparent huge pages.
         *
         * @param hugePages whether to ask the OS for transparent huge pages for the table (default true). On
         *     Linux with native access enabled for this module ({@code --enable-native-access=dev.sluice.store},
         *     or {@code ALL-UNNAMED} on the class path), a table of 2 MiB or more is mapped 2 MiB-aligned and
         *     marked {@code MADV_HUGEPAGE}: fewer TLB misses when there are millions of keys. Elsewhere the table
         *     comes from the arena as usual; {@link KeyedStore#hugePageBytes()} tells which happened
         * @return this builder
         */
        public Builder hugePages(boolean hugePages) {
            this.hugePages = hugePages;
            return this;
        }

        /** {@return off-heap bytes the table takes for this configuration} */
        public long fixedBytes() {
            return SlotLayout.tableSlots(SlotLayout.homeSlotsFor(maxKeys)) * SlotLayout.slotBytes(algorithm);
        }

        /**
         * Ring memory that {@code keys} live sliding-window keys of limit {@code limit} can take at once, rounded
         * up to the chunks rings are allocated in: a budget of the sum of this over a store's distinct limits
         * (plus {@link #fixedBytes()}) never refuses a key for want of ring memory while the table has room.
         *
         * @param limit the ring size
         * @param keys how many keys
         * @return bytes
         */
        public static long ringBytesFor(long limit, long keys) {
            long stride = RingLayout.stride(limit);
            long perChunk = Math.max(1, RingLayout.CHUNK_BYTES / stride);
            long chunks = (Math.min(keys, RingLayout.MAX_RINGS_PER_SLAB) + perChunk - 1) / perChunk;
            return chunks * perChunk * stride;
        }

        Fingerprint fingerprint() {
            return seeded ? Fingerprint.seeded(hashSeed) : Fingerprint.random();
        }

        /**
         * Allocates the table (and, for SLIDING_WINDOW_LOG, the ring slabs) and returns a store that runs this
         * builder's algorithm.
         *
         * @return a new store, which owns its off-heap memory until {@link KeyedStore#close()}
         * @throws IllegalArgumentException if the algorithm is not set, or the memory budget is below the bytes
         *     the table needs
         */
        @SuppressWarnings("MustBeClosedChecker") // the store owns the arena and closes it; so does a failed build
        public KeyedStore build() {
            if (algorithm == null) {
                throw new IllegalArgumentException("algorithm=null: must be set");
            }
            long fixed = fixedBytes();
            if (memoryBudgetBytes >= 0 && memoryBudgetBytes < fixed) {
                throw new IllegalArgumentException("memoryBudgetBytes=" + memoryBudgetBytes + ": below the " + fixed
                        + " bytes that maxKeys=" + maxKeys + " needs");
            }
            Arena arena = Arena.ofShared();
            try {
                return switch (algorithm) {
                    case FIXED_WINDOW -> new FixedWindowStore(this, arena);
                    case TOKEN_BUCKET -> new TokenBucketStore(this, arena);
                    case SLIDING_WINDOW_LOG -> new SlidingLogStore(this, arena, new RingSlabs(arena, maxKeys,
                            memoryBudgetBytes < 0 ? DEFAULT_RING_BUDGET_BYTES : memoryBudgetBytes - fixed));
                };
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
    }
}
