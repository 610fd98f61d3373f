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
 * A gateway request: user, tenant and tool, all three charged, 1,000 users in 10 tenants over 5 tools,
 * admitted path ({@link Workloads#THREE_DIMENSION}). The three identities are decoded from the request's bytes
 * into new strings in the benchmark method ({@link GatewayInput}); Sluice takes them as they are
 * ({@code check(user, tenant, tool, now, into)}: it normalises them and builds its keys), the peers build
 * {@code "user:" + user}, {@code "tenant:" + tenant} and {@code "tool:" + tool} and look each one up. The
 * {@code baseline} row decodes the same three strings and only consumes them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, Workloads.JVM_AGRONA, "-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"})
public class ThreeDimensionBenchmark {
    private static final int USERS = 1000;
    private static final int TENANTS = 10;

    @Param({"baseline", "sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding",
            "onheap-token", "bucket4j", "resilience4j", "guava", "agrona-fixed"})
    public String impl;

    private KeyedLimiter limiter;
    private KeyedLimiter.Handle handle;
    private GatewayInput users;
    private final byte[][] tenants = new byte[USERS][];
    private final byte[][] tools = new byte[USERS][];
    private int next;
    private long nowNanos;

    @Setup(Level.Trial)
    public void setUp(Blackhole sink) {
        limiter = Workloads.synthetic(impl, Workloads.THREE_DIMENSION, true, 3L * USERS);
        handle = Workloads.handle(limiter, sink);
        users = GatewayInput.ofFirstUsers(USERS);
        for (int i = 0; i < USERS; i++) {
            tenants[i] = GatewayInput.tenant(i % TENANTS);
            tools[i] = GatewayInput.ascii(Workloads.TOOLS.get(i % Workloads.TOOLS.size()));
        }
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
        int i = next;
        next = i + 1 == USERS ? 0 : i + 1;
        nowNanos += Workloads.THREE_DIMENSION_STEP_NANOS;
        return handle.tryAcquire3(users.user(i), GatewayInput.decode(tenants[i]), GatewayInput.decode(tools[i]),
                nowNanos);
    }
}
