package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.KeyedLimiter;
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

/**
 * A gateway request: user, tenant and tool, all three charged, 1,000 users in 10 tenants over 5 tools,
 * admitted path ({@link Workloads#THREE_DIMENSION}). Sluice takes the raw identities ({@code check(user, tenant, tool, now, into)}: it normalises
 * them and builds its keys); the peers get three pre-built keys and look each one up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, Workloads.JVM_AGRONA, "-Xms2g", "-Xmx2g"})
public class ThreeDimensionBenchmark {
    private static final int USERS = 1000;
    private static final int TENANTS = 10;

    @Param({"sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding", "onheap-token",
            "bucket4j", "resilience4j", "guava", "agrona-fixed"})
    public String impl;

    private KeyedLimiter limiter;
    private KeyedLimiter.Handle handle;
    private final String[] users = new String[USERS];
    private final String[] tenants = new String[USERS];
    private final String[] tools = new String[USERS];
    private final String[] userKeys = new String[USERS];
    private final String[] tenantKeys = new String[USERS];
    private final String[] toolKeys = new String[USERS];
    private int next;
    private long nowNanos;

    @Setup(Level.Trial)
    public void setUp() {
        limiter = Workloads.synthetic(impl, Workloads.THREE_DIMENSION, true, 3L * USERS);
        handle = limiter.handle();
        for (int i = 0; i < USERS; i++) {
            users[i] = "user-" + i + "@example.com";
            tenants[i] = "tenant-" + (i % TENANTS);
            tools[i] = Workloads.TOOLS.get(i % Workloads.TOOLS.size());
            userKeys[i] = "user:" + users[i];
            tenantKeys[i] = "tenant:" + tenants[i];
            toolKeys[i] = "tool:" + tools[i];
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
        return handle.tryAcquire3(users[i], tenants[i], tools[i], userKeys[i], tenantKeys[i], toolKeys[i], nowNanos);
    }
}
