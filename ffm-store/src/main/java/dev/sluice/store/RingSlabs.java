package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * The rings of a SLIDING_WINDOW_LOG store: one RingSlab per distinct limit (ring size), at most
 * RingLayout.MAX_SLABS of them, sharing one memory budget. A slot names its ring with a ref
 * (RingLayout.ref: slab id and ring index); NO_RING is no ring.
 *
 * Thread-safe.
 */
final class RingSlabs {
    static final int NO_RING = -1;

    private final Arena arena;
    private final int maxRingsPerSlab;
    private final AtomicLong budget;
    private final AtomicReferenceArray<RingSlab> slabs = new AtomicReferenceArray<>(RingLayout.MAX_SLABS);
    private final AtomicInteger count = new AtomicInteger();

    RingSlabs(Arena arena, long maxKeys, long budgetBytes) {
        this.arena = arena;
        this.maxRingsPerSlab = (int) Math.min(maxKeys, RingLayout.MAX_RINGS_PER_SLAB);
        this.budget = new AtomicLong(budgetBytes);
    }

    /** @return the slab for rings of {@code limit}, created on first use; null when MAX_SLABS limits exist */
    RingSlab slabFor(long limit) {
        for (;;) {
            int n = count.get();
            for (int id = 0; id < n; id++) {
                RingSlab slab = slabs.get(id);
                if (slab != null && slab.limit == limit) {
                    return slab;
                }
            }
            if (n >= RingLayout.MAX_SLABS) {
                return null;
            }
            if (count.compareAndSet(n, n + 1)) {
                RingSlab slab = new RingSlab(n, limit, maxRingsPerSlab, arena, budget);
                slabs.set(n, slab);
                return slab;
            }
        }
    }

    /** @return the slab a ref names (its id was published before the ref could be) */
    RingSlab slab(int ref) {
        for (;;) {
            RingSlab slab = slabs.get(RingLayout.refSlab(ref));
            if (slab != null) {
                return slab;
            }
            Thread.onSpinWait();
        }
    }

    /** @return the chunk holding the ring a ref names */
    MemorySegment chunk(int ref) {
        return slab(ref).chunk(RingLayout.refRing(ref));
    }

    void release(int ref) {
        slab(ref).release(RingLayout.refRing(ref));
    }

    /** @return bytes allocated to rings so far, slab heads included */
    long allocatedBytes() {
        long bytes = 0;
        int n = count.get();
        for (int id = 0; id < n; id++) {
            RingSlab slab = slabs.get(id);
            if (slab != null) {
                bytes += 64 + slab.allocatedBytes();
            }
        }
        return bytes;
    }
}
