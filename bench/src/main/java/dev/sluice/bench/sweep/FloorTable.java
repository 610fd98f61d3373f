package dev.sluice.bench.sweep;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The memory floor's off-heap table, on the same kind of pages as the store's tables, so that the floor and
 * the store pay the same TLB misses: when the store's tables get transparent huge pages, this table is mapped
 * anonymously, aligned to 2 MiB and advised {@code MADV_HUGEPAGE} before it is first touched, as the store
 * does (Linux on x86-64 or AArch64, native access enabled); otherwise it comes from an arena like any segment.
 * Huge pages are advice: the kernel may still use small pages.
 *
 * <p>Not thread-safe; {@link #close()} frees the memory.
 */
final class FloorTable implements AutoCloseable {
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    private final Arena arena;
    private final MemorySegment segment;
    private final boolean hugePages;

    private FloorTable(Arena arena, MemorySegment segment, boolean hugePages) {
        this.arena = arena;
        this.segment = segment;
        this.hugePages = hugePages;
    }

    /**
     * @param bytes the table's size
     * @param hugePages whether to ask for transparent huge pages
     * @return a zeroed table of {@code bytes}, aligned to a cache line at least
     */
    @SuppressWarnings("MustBeClosedChecker") // the table owns the arena: close() closes it
    static FloorTable allocate(long bytes, boolean hugePages) {
        Arena arena = Arena.ofConfined();
        if (hugePages && bytes >= HUGE_PAGE_BYTES && Libc.AVAILABLE != null) {
            FloorTable mapped = Libc.AVAILABLE.map(arena, bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        return new FloorTable(arena, arena.allocate(bytes, MemoryFloor.ELEMENT_BYTES), false);
    }

    MemorySegment segment() {
        return segment;
    }

    /** @return whether the table was advised to use huge pages */
    boolean hugePages() {
        return hugePages;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** mmap, madvise and munmap, linked once when this JVM may call them. */
    private static final class Libc {
        static final Libc AVAILABLE = link();

        private final MethodHandle mmap;
        private final MethodHandle madvise;
        private final MethodHandle munmap;

        private Libc(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
            this.mmap = mmap;
            this.madvise = madvise;
            this.munmap = munmap;
        }

        // Restricted methods, reached only once isNativeAccessEnabled() said this module may call them.
        @SuppressWarnings("restricted")
        private static Libc link() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "");
            if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                    || !FloorTable.class.getModule().isNativeAccessEnabled()) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            if (libc.find("mmap").isEmpty() || libc.find("madvise").isEmpty() || libc.find("munmap").isEmpty()) {
                return null;
            }
            return new Libc(
                    linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)),
                    linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)));
        }

        /** @return the mapped table, or null when mmap failed */
        @SuppressWarnings("restricted")
        FloorTable map(Arena arena, long bytes) {
            long advised = roundUp(bytes, HUGE_PAGE_BYTES);
            long mappedBytes = advised + HUGE_PAGE_BYTES; // slack to choose an aligned start; never touched
            long start;
            int advice;
            try {
                start = (long) mmap.invokeExact(0L, mappedBytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (start == -1L || start == 0L) {
                    return null;
                }
                advice = (int) madvise.invokeExact(roundUp(start, HUGE_PAGE_BYTES), advised, MADV_HUGEPAGE);
            } catch (Throwable e) {
                throw new IllegalStateException("mapping " + bytes + " bytes failed", e);
            }
            MemorySegment segment = MemorySegment.ofAddress(roundUp(start, HUGE_PAGE_BYTES))
                    .reinterpret(bytes, arena, ignored -> unmap(start, mappedBytes));
            return new FloorTable(arena, segment, advice == 0);
        }

        private void unmap(long address, long bytes) {
            int result;
            try {
                result = (int) munmap.invokeExact(address, bytes);
            } catch (Throwable e) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed", e);
            }
            if (result != 0) {
                throw new IllegalStateException("munmap of " + bytes + " bytes at 0x" + Long.toHexString(address) + " failed");
            }
        }
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) & -multiple;
    }
}
