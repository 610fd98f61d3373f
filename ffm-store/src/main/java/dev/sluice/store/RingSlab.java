package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * The rings of one size (one limit) of a SLIDING_WINDOW_LOG store.
 *
 * Rings are handed out from a free list; when it is empty a new ring index is taken from a bump counter.
 * The slab grows in chunks (RingLayout.CHUNK_BYTES, at least one ring) allocated from the store's arena
 * after reserving the bytes from the store's memory budget. The thread whose index is the first of a chunk
 * allocates the chunk; a thread that takes a later index of a chunk still being allocated waits for that
 * one allocation (once per chunk, on the insert path only; never while holding any state of a key). If the
 * budget is spent, the chunk is marked failed and every index in it reports "no ring" (TABLE_FULL).
 *
 * Thread-safe.
 */
@SuppressWarnings({"ReferenceEquality", "MemorySegmentReferenceEquality"}) // FAILED is a sentinel: identity is meant
final class RingSlab {
    private static final MemorySegment FAILED = MemorySegment.NULL;

    final int id;
    final long limit;
    private final long stride;
    private final int ringsPerChunk;
    private final int maxRings;
    private final Arena arena;
    private final AtomicLong budget;
    private final AtomicReferenceArray<MemorySegment> chunks;
    private final AtomicInteger nextUnused = new AtomicInteger();
    private final FreeList free;

    RingSlab(int id, long limit, int maxRings, Arena arena, AtomicLong budget) {
        this.id = id;
        this.limit = limit;
        this.stride = RingLayout.stride(limit);
        this.ringsPerChunk = (int) Math.max(1, RingLayout.CHUNK_BYTES / stride);
        this.maxRings = Math.min(maxRings, RingLayout.MAX_RINGS_PER_SLAB);
        this.arena = arena;
        this.budget = budget;
        this.chunks = new AtomicReferenceArray<>((this.maxRings + ringsPerChunk - 1) / ringsPerChunk);
        this.free = new FreeList(arena.allocate(64, 64)) {
            @Override
            MemorySegment linkSegment(int index) {
                return chunk(index);
            }

            @Override
            long linkOffset(int index) {
                return offset(index) + RingLayout.FREE_LINK_OFFSET;
            }
        };
    }

    /**
     * @return the chunk holding {@code ring}, or {@code null} when {@code ring} is outside this slab or its
     *     chunk is not published: a ring reference read racily from a record that was reclaimed meanwhile,
     *     which the caller discards after re-validating the record's state word
     */
    MemorySegment chunk(int ring) {
        int index = ring / ringsPerChunk;
        if (ring < 0 || index >= chunks.length()) {
            return null;
        }
        MemorySegment chunk = chunks.get(index);
        return chunk == FAILED ? null : chunk;
    }

    long offset(int ring) {
        return (ring % ringsPerChunk) * stride;
    }

    /** @return a ring reset to fresh slots and {@code windowNanos}, or -1 when the budget is spent */
    int allocate(long windowNanos) {
        int ring = free.pop();
        if (ring < 0) {
            ring = fresh();
            if (ring < 0) {
                return -1;
            }
        }
        MemorySegment segment = chunk(ring);
        long base = offset(ring);
        for (long i = 0; i < limit; i++) {
            MemoryOrder.setPlain(segment, base + RingLayout.SLOTS_OFFSET + i * RingLayout.SLOT_BYTES, RingLayout.FRESH_SLOT);
        }
        MemoryOrder.setPlain(segment, base + RingLayout.WINDOW_OFFSET, windowNanos);
        return ring;
    }

    void release(int ring) {
        free.push(ring);
    }

    private int fresh() {
        int ring = nextUnused.getAndIncrement();
        if (ring >= maxRings) {
            return -1;
        }
        int chunkIndex = ring / ringsPerChunk;
        if (ring % ringsPerChunk == 0) {
            long bytes = ringsPerChunk * stride;
            MemorySegment chunk = FAILED;
            try {
                if (reserve(bytes)) {
                    try {
                        chunk = arena.allocate(bytes, RingLayout.ALIGNMENT);
                    } catch (RuntimeException | Error e) {
                        budget.addAndGet(bytes);
                        throw e;
                    }
                }
            } finally {
                // Published even when allocate throws (the arena closed under us, or no native memory):
                // the threads that took later rings of this chunk wait for this word and must not wait for
                // an allocation that will never happen.
                chunks.set(chunkIndex, chunk);
            }
            return chunk == FAILED ? -1 : ring;
        }
        MemorySegment chunk;
        while ((chunk = chunks.get(chunkIndex)) == null) {
            Thread.onSpinWait();
        }
        return chunk == FAILED ? -1 : ring;
    }

    private boolean reserve(long bytes) {
        for (;;) {
            long left = budget.get();
            if (left < bytes) {
                return false;
            }
            if (budget.compareAndSet(left, left - bytes)) {
                return true;
            }
        }
    }

    long allocatedBytes() {
        long bytes = 0;
        for (int i = 0; i < chunks.length(); i++) {
            MemorySegment chunk = chunks.get(i);
            if (chunk != null && chunk != FAILED) {
                bytes += chunk.byteSize();
            }
        }
        return bytes;
    }
}
