package dev.sluice.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * The raw floor under any counter: one volatile read and one compare-and-set, on a word of an
 * {@link AtomicLongArray} and on a long in an off-heap {@link MemorySegment} through a {@link VarHandle}. No key
 * lookup, no identity, no time, no decision. Shared (one word for all threads) and distinct (a word per thread).
 * Every word sits alone in its own 128 bytes (two cache lines, against the adjacent-line prefetcher), so that
 * the distinct rows measure no false sharing. Reported in both units: average time with one thread next to the
 * single-key benchmarks, throughput with {@code -t N} next to the contention benchmarks.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g"})
public class FloorBenchmark {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long STRIDE_BYTES = 128;
    private static final int STRIDE_LONGS = (int) (STRIDE_BYTES / Long.BYTES);
    private static final int MAX_THREADS = 64;

    /**
     * Word {@code k} at index {@code (k + 1) × STRIDE_LONGS}, followed by the rest of its stride: word 0 is the
     * shared one, word {@code 1 + id} a thread's own; the first stride is padding after the array's header.
     */
    final AtomicLongArray atomics = new AtomicLongArray(STRIDE_LONGS * (MAX_THREADS + 2));
    final AtomicInteger threadIds = new AtomicInteger();
    Arena arena;
    /** The same layout in bytes, aligned to the stride. */
    MemorySegment words;

    @Setup(Level.Trial)
    @SuppressWarnings("MustBeClosedChecker") // closed in tearDown
    public void setUp() {
        arena = Arena.ofShared();
        words = arena.allocate(STRIDE_BYTES * (MAX_THREADS + 2), STRIDE_BYTES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** A thread's own word. */
    @State(Scope.Thread)
    public static class PerThread {
        int index;
        long offset;

        @Setup(Level.Trial)
        public void setUp(FloorBenchmark shared) {
            int word = 1 + shared.threadIds.getAndIncrement() % MAX_THREADS;
            index = (word + 1) * STRIDE_LONGS;
            offset = (word + 1) * STRIDE_BYTES;
        }
    }

    @Benchmark
    public boolean atomicCasShared() {
        long v = atomics.get(STRIDE_LONGS);
        return atomics.compareAndSet(STRIDE_LONGS, v, v + 1);
    }

    @Benchmark
    public boolean segmentCasShared() {
        long v = (long) LONG.getVolatile(words, STRIDE_BYTES);
        return LONG.compareAndSet(words, STRIDE_BYTES, v, v + 1);
    }

    @Benchmark
    public boolean atomicCasDistinct(PerThread t) {
        long v = atomics.get(t.index);
        return atomics.compareAndSet(t.index, v, v + 1);
    }

    @Benchmark
    public boolean segmentCasDistinct(PerThread t) {
        long v = (long) LONG.getVolatile(words, t.offset);
        return LONG.compareAndSet(words, t.offset, v, v + 1);
    }
}
