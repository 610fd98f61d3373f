package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.workload.GatewayInput;
import java.util.concurrent.TimeUnit;
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
 * One key, one thread: the hot counter on its admitted path ({@code path=allowed}) and on its refused path
 * ({@code path=blocked}), for every implementation. See {@link Workloads} for how each is made to take the
 * same branch.
 *
 * <p>Every request carries the same user, but as a gateway has it: its bytes, decoded into a new
 * {@code String} in the benchmark method ({@link GatewayInput}), from which each implementation builds its own
 * key. The {@code baseline} row decodes the same way and only consumes the string: read a row as its figure
 * minus the baseline's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, Workloads.JVM_AGRONA, "-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"})
public class SingleKeyBenchmark {
    @Param({"baseline", "sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding",
            "onheap-token", "bucket4j", "resilience4j", "guava", "agrona-fixed"})
    public String impl;

    @Param({"allowed", "blocked"})
    public String path;

    private KeyedLimiter limiter;
    private KeyedLimiter.Handle handle;
    private byte[] userBytes;
    private long nowNanos;

    @Setup(Level.Trial)
    public void setUp(Blackhole sink) {
        limiter = Workloads.synthetic(impl, path.equals("allowed"), 1);
        handle = Workloads.handle(limiter, sink);
        userBytes = GatewayInput.userId(42);
        nowNanos = Workloads.START_NANOS;
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

    @Benchmark
    public boolean check() {
        nowNanos += Workloads.STEP_NANOS;
        return handle.tryAcquire(GatewayInput.decode(userBytes), nowNanos);
    }
}
