package dev.sluice.store;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/*
 * Where the store's large table (its slots) comes from.
 *
 * At millions of keys every lookup misses the caches (its slot), and with 4 KiB
 * pages each miss also misses the TLB: the page walk is itself a chain of cache misses, longer still under a
 * hypervisor. On Linux, a table asked for with huge pages is mapped anonymously (mmap), aligned to 2 MiB and
 * marked MADV_HUGEPAGE before it is first touched, so that transparent huge pages back it even where the
 * system's policy is "madvise" (the common default); one 2 MiB TLB entry then covers 512 of the small ones.
 * On this project's reference machine a dependent random read over 1 GiB measured about 190 ns with huge
 * pages against about 260 ns without.
 *
 * Huge pages are advice: the kernel may still back the range with small pages (fragmented memory, THP set
 * to "never"). They are asked for only when all of these hold, and otherwise the table comes from the arena
 * as any other segment does:
 *   - the OS is Linux on x86-64 or AArch64 (the mmap and madvise constants below are theirs);
 *   - native access is enabled for this module (--enable-native-access=dev.sluice.store, or ALL-UNNAMED on
 *     the class path), checked first so that the JDK never prints its restricted-method warning;
 *   - the table is at least one huge page.
 * KeyedStore.hugePageBytes() says how many bytes were advised.
 *
 * A mapped table is bound to the store's arena with a cleanup that unmaps it, so it has the arena's
 * lifetime and its liveness checks: an access after close is the same clean IllegalStateException.
 */
final class NativeMemory {
    static final long HUGE_PAGE_BYTES = 2L << 20;

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;

    private NativeMemory() {
    }

    /** A table of {@code bytes}, zeroed, aligned to {@code alignment}, freed when {@code arena} closes. */
    static Table allocate(Arena arena, long bytes, long alignment, boolean hugePages) {
        if (hugePages && bytes >= HUGE_PAGE_BYTES && Calls.AVAILABLE != null) {
            Table mapped = Calls.AVAILABLE.map(arena, bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        return new Table(arena.allocate(bytes, alignment), 0);
    }

    /** @return true when huge pages can be asked for in this JVM (see the class comment) */
    static boolean hugePagesSupported() {
        return Calls.AVAILABLE != null;
    }

    /** A table's segment, and how many of its bytes were advised to use huge pages. */
    record Table(MemorySegment segment, long hugePageBytes) {
    }

    /** The libc calls, linked once and only when every condition of the class comment holds. */
    private static final class Calls {
        static final Calls AVAILABLE = link();

        private final MethodHandle mmap;
        private final MethodHandle madvise;
        private final MethodHandle munmap;

        private Calls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
            this.mmap = mmap;
            this.madvise = madvise;
            this.munmap = munmap;
        }

        // Restricted methods, reached only after isNativeAccessEnabled() said this module may call them.
        @SuppressWarnings("restricted")
        private static Calls link() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "");
            if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                    || !NativeMemory.class.getModule().isNativeAccessEnabled()) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            if (libc.find("mmap").isEmpty() || libc.find("madvise").isEmpty() || libc.find("munmap").isEmpty()) {
                return null;
            }
            return new Calls(
                    linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)),
                    linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)));
        }

        /** @return the mapped table, or null when the mapping failed (the caller then uses the arena) */
        @SuppressWarnings("restricted")
        Table map(Arena arena, long bytes) {
            long advised = roundUp(bytes, HUGE_PAGE_BYTES);
            // One huge page of slack, so that an aligned start can be chosen; the slack is never touched.
            long mappedBytes = advised + HUGE_PAGE_BYTES;
            long start = invokeMmap(mappedBytes);
            if (start == MAP_FAILED || start == 0) {
                return null;
            }
            long aligned = roundUp(start, HUGE_PAGE_BYTES);
            boolean hugePages = invokeMadvise(aligned, advised) == 0;
            MemorySegment segment = MemorySegment.ofAddress(aligned).reinterpret(bytes, arena, ignored -> invokeMunmap(start, mappedBytes));
            return new Table(segment, hugePages ? advised : 0);
        }

        private long invokeMmap(long bytes) {
            try {
                return (long) mmap.invokeExact(0L, bytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            } catch (Throwable e) {
                throw new IllegalStateException("mmap of " + bytes + " bytes failed", e);
            }
        }

        private int invokeMadvise(long address, long bytes) {
            try {
                return (int) madvise.invokeExact(address, bytes, MADV_HUGEPAGE);
            } catch (Throwable e) {
                throw new IllegalStateException("madvise(MADV_HUGEPAGE) of " + bytes + " bytes failed", e);
            }
        }

        private void invokeMunmap(long address, long bytes) {
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
