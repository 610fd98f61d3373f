package dev.sluice.store;

import java.lang.foreign.MemorySegment;

/*
 * A lock-free stack of free element indices (Treiber), with the links stored in the free elements.
 *
 * Head word, in its own cache line of the store's arena:
 *    63                              32 31                               0
 *   +----------------------------------+----------------------------------+
 *   |   version (bumped by every pop)  |   top index + 1 (0 = empty)      |
 *   +----------------------------------+----------------------------------+
 *
 * Pop: read the head (acquire), read the top's link, CAS the head to [version + 1 | link]. The version
 * defeats ABA: a popper that read a link before the top was popped, reused and pushed again fails its CAS.
 * Push: write the element's link (plain: the element is private), CAS the head (release publishes it).
 * Linearizes at the successful CAS of the head, for both.
 */
abstract class FreeList {
    private final MemorySegment head;

    FreeList(MemorySegment head) {
        this.head = head;
    }

    abstract MemorySegment linkSegment(int index);

    abstract long linkOffset(int index);

    /** @return a free index, or -1 when the list is empty */
    final int pop() {
        for (;;) {
            long top = MemoryOrder.getAcquire(head, 0);
            int index = (int) top - 1;
            if (index < 0) {
                return -1;
            }
            long link = MemoryOrder.getAcquire(linkSegment(index), linkOffset(index)) & 0xFFFF_FFFFL;
            long next = (((top >>> 32) + 1) << 32) | link;
            // Linearizes here: the version in the head proves nobody popped `index` since we read the head.
            if (MemoryOrder.compareAndSet(head, 0, top, next)) {
                return index;
            }
        }
    }

    final void push(int index) {
        for (;;) {
            long top = MemoryOrder.getAcquire(head, 0);
            MemoryOrder.setPlain(linkSegment(index), linkOffset(index), top & 0xFFFF_FFFFL);
            long next = (top & 0xFFFF_FFFF_0000_0000L) | (index + 1L);
            // Linearizes here: the CAS's release makes the link visible to the pop that reads this head.
            if (MemoryOrder.compareAndSet(head, 0, top, next)) {
                return;
            }
        }
    }

    /** Pushes 0..count-1 so that 0 is popped first; only before the list is shared. */
    final void fillSequential(int count) {
        for (int i = 0; i < count; i++) {
            MemoryOrder.setPlain(linkSegment(i), linkOffset(i), i + 1 < count ? i + 2 : 0);
        }
        MemoryOrder.setRelease(head, 0, count == 0 ? 0 : 1);
    }
}
