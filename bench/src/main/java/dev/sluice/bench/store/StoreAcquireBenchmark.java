package dev.sluice.bench.store;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
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
 * One key, per algorithm: the allowed path (a limit that never runs out within the run's clock), the
 * blocked path (a key that is always full), and the hot counter under contention ({@code -t 2}).
 * Compare with {@link RawCasBenchmark}, the floor: one CAS on a MemorySegment word.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class StoreAcquireBenchmark {
    @Param({"FIXED_WINDOW", "TOKEN_BUCKET", "SLIDING_WINDOW_LOG"})
    public StoreAlgorithm algorithm;

    private KeyedStore store;

    @Setup(Level.Trial)
    public void setUp() {
        store = KeyedStore.builder(algorithm).maxKeys(1024).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** Per-thread keys, result holder and a clock that advances 1 ns per call. */
    @State(Scope.Thread)
    public static class Caller {
        final String allowedKey = "tenant:acme:user:42";
        final String blockedKey = "tenant:acme:user:blocked";
        final AcquireResult out = new AcquireResult();
        long nowNanos = 1_000_000_000L;
        long allowedHi;
        long allowedLo;

        @Setup(Level.Trial)
        public void fingerprint(StoreAcquireBenchmark benchmark) {
            long[] lo = new long[1];
            allowedHi = benchmark.store.fingerprint().of(0, allowedKey, lo, 0);
            allowedLo = lo[0];
        }
    }

    /** Allowed path: 1,000,000 per 1 ms window with a 1 ns-per-call clock refills faster than it drains. */
    @Benchmark
    public boolean singleKeyAllowed(Caller caller) {
        return store.acquire(caller.allowedKey, 1_000_000, 1_000_000, caller.nowNanos += 1, caller.out);
    }

    /** Allowed path for a key already fingerprinted: the store's own work, without hashing the key. */
    @Benchmark
    public boolean singleKeyAllowedFingerprinted(Caller caller) {
        return store.acquire(caller.allowedHi, caller.allowedLo, 1, 1_000_000, 1_000_000, caller.nowNanos += 1, caller.out);
    }

    /** Blocked path: 1 per 7 days. */
    @Benchmark
    public boolean singleKeyBlocked(Caller caller) {
        return store.acquire(caller.blockedKey, 1, 7L * 24 * 3600 * 1_000_000_000L, caller.nowNanos += 1, caller.out);
    }
}
