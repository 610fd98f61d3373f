package dev.sluice.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The raw floor under any counter: one volatile read and one compare-and-set, on an {@link AtomicLong} and on
 * a long in an off-heap {@link MemorySegment} through a {@link VarHandle}. No key lookup, no time, no
 * decision. Shared (one word for all threads) and distinct (a word per thread, 128 bytes apart). Reported in
 * both units: average time with one thread next to the single-key benchmarks, throughput with {@code -t N}
 * next to the contention benchmarks.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE})
public class FloorBenchmark {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long STRIDE_BYTES = 128;
    private static final int MAX_THREADS = 64;

    final AtomicLong sharedAtomic = new AtomicLong();
    final AtomicLong[] ownAtomics = new AtomicLong[MAX_THREADS];
    final AtomicInteger threadIds = new AtomicInteger();
    Arena arena;
    MemorySegment words;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        words = arena.allocate(STRIDE_BYTES * (MAX_THREADS + 1), STRIDE_BYTES);
        for (int i = 0; i < MAX_THREADS; i++) {
            ownAtomics[i] = new AtomicLong();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** A thread's own word. */
    @State(Scope.Thread)
    public static class PerThread {
        AtomicLong atomic;
        long offset;

        @Setup(Level.Trial)
        public void setUp(FloorBenchmark shared) {
            int id = shared.threadIds.getAndIncrement() % MAX_THREADS;
            atomic = shared.ownAtomics[id];
            offset = STRIDE_BYTES * (id + 1);
        }
    }

    @Benchmark
    public boolean atomicCasShared() {
        long v = sharedAtomic.get();
        return sharedAtomic.compareAndSet(v, v + 1);
    }

    @Benchmark
    public boolean segmentCasShared() {
        long v = (long) LONG.getVolatile(words, 0L);
        return LONG.compareAndSet(words, 0L, v, v + 1);
    }

    @Benchmark
    public boolean atomicCasDistinct(PerThread t) {
        long v = t.atomic.get();
        return t.atomic.compareAndSet(v, v + 1);
    }

    @Benchmark
    public boolean segmentCasDistinct(PerThread t) {
        long v = (long) LONG.getVolatile(words, t.offset);
        return LONG.compareAndSet(words, t.offset, v, v + 1);
    }
}
