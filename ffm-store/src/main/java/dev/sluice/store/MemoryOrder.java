package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/*
 * The store's memory-ordering vocabulary, and the only caller of VarHandle access modes in the module.
 *
 * Every shared 64-bit word of the store (index control words, record state words, ring slots, free-list
 * heads) is read and written through these methods; the name of each method is the ordering it gives:
 *
 *   plain     no ordering; only for bytes a thread owns privately (a popped record before it is published,
 *             a free-list link before the push that publishes it).
 *   opaque    atomic and coherent per word, no ordering with other words (statistics, hints).
 *   acquire   a load that happens-before every later load and store of the reading thread. Pairs with a
 *             release store or a successful CAS on the same word.
 *   release   a store after which every earlier load and store of the writing thread is visible to a
 *             thread whose acquire load sees the value.
 *   volatile  sequentially consistent load/store.
 *   CAS       compareAndSet: volatile semantics; both an acquire and a release.
 *
 * Pairings used by the store (see docs/concurrency.md):
 *   - a record's key bytes and first state are written plain, then published by the CAS that installs the
 *     record into an index slot; readers load the slot with acquire before reading the record.
 *   - a free-list push writes the link plain, then CASes the head; a pop loads the head with acquire.
 *
 * Plain int accessors exist for the record's immutable header field (the sliding-window ring ref).
 * Words are 8-byte aligned longs; the layout classes assert that every offset passed here is a multiple of 8.
 *
 * Key words: key bytes (a caller's byte[], or a record's key area) are hashed and compared 8 bytes at a
 * time, read plain and little-endian on every platform, so that the hash of a key and the masks that cut a
 * partial last word agree everywhere (caller keys through a byte[] view, record keys through a segment
 * handle). Plain reads and writes (record key words, the int header fields) go through unaligned layouts:
 * the offsets are aligned anyway, and an unaligned handle skips the per-access alignment test that only the
 * atomic access modes need. A record's key bytes are read racily (the record may be
 * freed and reused meanwhile); the caller discards the result unless the slot word is unchanged after.
 *
 * The handles are static final and exact (withInvokeExactBehavior): every call site passes exactly
 * (MemorySegment, long[, long...]) or (byte[], int), so no call can silently fall back to an adapting,
 * slower path.
 */
final class MemoryOrder {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT_UNALIGNED.varHandle().withInvokeExactBehavior();
    private static final VarHandle KEY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN)
            .withInvokeExactBehavior();
    private static final VarHandle RECORD_KEY_WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)
            .varHandle().withInvokeExactBehavior();

    private MemoryOrder() {
    }

    static long getPlain(MemorySegment segment, long offset) {
        return (long) LONG.get(segment, offset);
    }

    static void setPlain(MemorySegment segment, long offset, long value) {
        LONG.set(segment, offset, value);
    }

    static long getOpaque(MemorySegment segment, long offset) {
        return (long) LONG.getOpaque(segment, offset);
    }

    static void setOpaque(MemorySegment segment, long offset, long value) {
        LONG.setOpaque(segment, offset, value);
    }

    static long getAcquire(MemorySegment segment, long offset) {
        return (long) LONG.getAcquire(segment, offset);
    }

    static void setRelease(MemorySegment segment, long offset, long value) {
        LONG.setRelease(segment, offset, value);
    }

    static long getVolatile(MemorySegment segment, long offset) {
        return (long) LONG.getVolatile(segment, offset);
    }

    static void setVolatile(MemorySegment segment, long offset, long value) {
        LONG.setVolatile(segment, offset, value);
    }

    static int getIntPlain(MemorySegment segment, long offset) {
        return (int) INT.get(segment, offset);
    }

    static void setIntPlain(MemorySegment segment, long offset, int value) {
        INT.set(segment, offset, value);
    }

    /**
     * Eight bytes of a caller's key from {@code offset}, little-endian, plain. The key is read from its
     * {@code byte[]} rather than through a heap segment: an array view checks only the array bounds, where a
     * segment access adds its type, session and segment-bounds checks, which measured about 3 ns per key.
     */
    static long getKeyWord(byte[] key, int offset) {
        return (long) KEY_WORD.get(key, offset);
    }

    /**
     * Eight bytes of a record's key area from the aligned {@code offset}, little-endian, plain.
     */
    static long getRecordKeyWord(MemorySegment records, long offset) {
        return (long) RECORD_KEY_WORD.get(records, offset);
    }

    /** Writes eight bytes of a private record's key area at the aligned {@code offset}, little-endian, plain. */
    static void setRecordKeyWord(MemorySegment records, long offset, long value) {
        RECORD_KEY_WORD.set(records, offset, value);
    }

    /** Orders every earlier load before every later load and store (the read side of a validation). */
    static void loadFence() {
        VarHandle.acquireFence();
    }

    static boolean compareAndSet(MemorySegment segment, long offset, long expected, long value) {
        return LONG.compareAndSet(segment, offset, expected, value);
    }
}
