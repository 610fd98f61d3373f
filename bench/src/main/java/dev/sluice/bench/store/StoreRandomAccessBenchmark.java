package dev.sluice.bench.store;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Random access over a populated keyspace (10 thousand, 1 million, 10 million keys): mostly cache misses
 * on the index and the record. Keys are "user:" + a number, up to 13 bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class StoreRandomAccessBenchmark {
    @Param({"FIXED_WINDOW", "TOKEN_BUCKET"})
    public StoreAlgorithm algorithm;

    @Param({"10000", "1000000", "10000000"})
    public int keys;

    private KeyedStore store;

    @Setup(Level.Trial)
    public void setUp() {
        store = KeyedStore.builder(algorithm).maxKeys(keys).build();
        AcquireResult out = new AcquireResult();
        for (int i = 0; i < keys; i++) {
            store.acquire("user:" + i, 1_000_000, 1_000_000_000L, 1_000, out);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** Per-thread state: a random stream of key numbers and a clock. */
    @State(Scope.Thread)
    public static class Caller {
        final SplittableRandom random = new SplittableRandom(42);
        final AcquireResult out = new AcquireResult();
        long nowNanos = 1_000;
    }

    @Benchmark
    public boolean randomKey(Caller caller) {
        return store.acquire("user:" + caller.random.nextInt(keys), 1_000_000, 1_000_000_000L, caller.nowNanos += 1, caller.out);
    }
}
