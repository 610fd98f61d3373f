package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.workload.GatewayInput;
import dev.sluice.bench.workload.Zipf;
import java.util.SplittableRandom;
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
 * One thread over a keyspace of {@code keys} users, every one charged once before measuring, then requests
 * drawn uniformly or by Zipf popularity (s = 0.99, YCSB's default) from a pre-generated sequence of 4M
 * draws with a fixed seed: the same users in the same order for every implementation.
 *
 * <p>Each request's user id (33 bytes, {@link GatewayInput}) is laid out in draw order, as requests arrive, and
 * decoded into a new string in the benchmark method, from which each implementation builds its own key; the
 * {@code baseline} row decodes the same way and only consumes the string.
 *
 * <p>Limit 100/s per key; synthetic time advances by {@code 1 s / (10 × keys)} per request. Uniform: every
 * key is requested about 10 times per window, so every request is admitted and no key's state expires
 * between two of its requests (a live keyspace). Zipf: the popular keys reach their limit (refused path) and
 * the rare ones are seen less than once a window (their state has expired: new-window path), as with real
 * skewed traffic; the mix is the same for every implementation on synthetic time. Guava and Resilience4j,
 * on the system clock, get a limit no run reaches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workloads.JVM_NATIVE, Workloads.JVM_AGRONA, "-XX:+AlwaysPreTouch", "-Xms12g", "-Xmx12g"})
public class RandomKeysBenchmark {
    private static final int DRAWS = 1 << 22;

    @Param({"baseline", "sluice-fixed", "sluice-sliding", "sluice-token", "onheap-fixed", "onheap-sliding",
            "onheap-token", "bucket4j", "resilience4j", "guava", "agrona-fixed"})
    public String impl;

    @Param({"10000", "1000000", "10000000"})
    public int keys;

    @Param({"uniform", "zipf"})
    public String distribution;

    private KeyedLimiter limiter;
    private KeyedLimiter.Handle handle;
    private GatewayInput requests;
    private int next;
    private long nowNanos;
    private long stepNanos;

    @Setup(Level.Trial)
    public void setUp(Blackhole sink) {
        limiter = Workloads.synthetic(impl, Workloads.ALLOWED, true, keys);
        stepNanos = Math.max(1, 1_000_000_000L / (10L * keys));
        handle = Workloads.handle(limiter, sink);
        nowNanos = Workloads.START_NANOS;
        byte[] user = new byte[GatewayInput.USER_ID_BYTES];
        for (int i = 0; i < keys; i++) {
            GatewayInput.writeUserId(i, user, 0);
            nowNanos += stepNanos;
            handle.tryAcquire(GatewayInput.decode(user), nowNanos);
        }
        Zipf zipf = new Zipf(keys, distribution.equals("zipf") ? 0.99 : 0, new SplittableRandom(20260101L));
        // Spread popular ranks over the keyspace, as real identities are, rather than clustering them.
        long mix = 0x9E3779B97F4A7C15L;
        int[] draws = new int[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            int rank = zipf.next();
            draws[i] = (int) Long.remainderUnsigned(rank * mix, keys);
        }
        requests = GatewayInput.ofUsers(draws);
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
        next = (i + 1) & (DRAWS - 1);
        nowNanos += stepNanos;
        return handle.tryAcquire(requests.user(i), nowNanos);
    }
}
