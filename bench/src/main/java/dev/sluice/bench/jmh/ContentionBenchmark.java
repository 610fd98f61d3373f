package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.workload.GatewayInput;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Persistent threads (JMH's own, run with {@code -t 2}, {@code -t 4}, {@code -t 8}) on one shared key, or
 * on a key of their own, all on the system clock with a limit of 1,000,000 per second per key
 * ({@link Workloads#HOT}): on the shared key most requests are refused once the second's million is used,
 * which is what a hot key under load looks like. Throughput, all threads together.
 *
 * <p>Each request's user id is decoded from its bytes into a new string in the benchmark method
 * ({@link GatewayInput}): the same user's bytes for every thread ({@code sharedKey}), or the thread's own user
 * ({@code distinctKeys}). The {@code baseline} row decodes the same way and only consumes the string, each
 * thread into its own {@link Blackhole}. The raw compare-and-set under any counter, on a shared word and on a
 * word each, is {@link FloorBenchmark}, run with the same {@code -t}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, "-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"})
public class ContentionBenchmark {
    @Param({"baseline", "sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding",
            "onheap-token", "bucket4j", "resilience4j", "guava"})
    public String impl;

    KeyedLimiter limiter;
    final byte[] sharedUser = GatewayInput.userId(0);
    final AtomicInteger threadIds = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        limiter = Workloads.real(impl, Workloads.HOT, 64);
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

    /** One thread's handle and its own user's bytes. */
    @State(Scope.Thread)
    public static class PerThread {
        KeyedLimiter.Handle handle;
        byte[] ownUser;

        @Setup(Level.Trial)
        public void setUp(ContentionBenchmark shared, Blackhole sink) {
            handle = Workloads.handle(shared.limiter, sink);
            ownUser = GatewayInput.userId(1 + shared.threadIds.getAndIncrement());
        }
    }

    @Benchmark
    public boolean sharedKey(PerThread t) {
        return t.handle.tryAcquire(GatewayInput.decode(sharedUser), 0);
    }

    @Benchmark
    public boolean distinctKeys(PerThread t) {
        return t.handle.tryAcquire(GatewayInput.decode(t.ownUser), 0);
    }
}
