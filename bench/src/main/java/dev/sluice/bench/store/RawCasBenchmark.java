package dev.sluice.bench.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The floor: read a MemorySegment word and CAS it to the next value, as every store transition does. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class RawCasBenchmark {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private Arena arena;
    private MemorySegment word;

    @Setup(Level.Trial)
    @SuppressWarnings("MustBeClosedChecker") // closed in tearDown
    public void setUp() {
        arena = Arena.ofShared();
        word = arena.allocate(64, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public boolean rawSegmentCas() {
        long current = (long) LONG.getAcquire(word, 0L);
        return LONG.compareAndSet(word, 0L, current, current + 1);
    }
}
