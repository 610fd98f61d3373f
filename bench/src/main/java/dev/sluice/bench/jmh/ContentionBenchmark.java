package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.peers.KeyedLimiters;
import dev.sluice.bench.peers.TimeMode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Persistent threads (JMH's own, run with {@code -t 2}, {@code -t 4}, {@code -t 8}) on one shared key, or
 * on a key of their own, all on the system clock with a limit of 1,000,000 per second per key
 * ({@link Workloads#HOT}): on the shared key most requests are refused once the second's million is used,
 * which is what a hot key under load looks like. Throughput, all threads together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, "-Xms2g", "-Xmx2g"})
public class ContentionBenchmark {
    @Param({"sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding", "onheap-token",
            "bucket4j", "resilience4j", "guava"})
    public String impl;

    KeyedLimiter limiter;
    final AtomicInteger threadIds = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        limiter = KeyedLimiters.create(Impl.of(impl), Workloads.HOT, TimeMode.REAL, 64, Workloads.TOOLS);
    }

    /** An iteration in which Sluice failed open measured the failure path: it fails, and is not reported. */
    @TearDown(Level.Iteration)
    public void checkDecided() {
        Workloads.requireNoFailures(limiter, impl);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        limiter.close();
    }

    /** One thread's handle and its own key. */
    @State(Scope.Thread)
    public static class PerThread {
        KeyedLimiter.Handle handle;
        String ownKey;

        @Setup(Level.Trial)
        public void setUp(ContentionBenchmark shared) {
            handle = shared.limiter.handle();
            ownKey = "user-" + shared.threadIds.getAndIncrement();
        }
    }

    @Benchmark
    public boolean sharedKey(PerThread t) {
        return t.handle.tryAcquire("alice@example.com", 0);
    }

    @Benchmark
    public boolean distinctKeys(PerThread t) {
        return t.handle.tryAcquire(t.ownKey, 0);
    }
}
