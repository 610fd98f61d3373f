package dev.sluice.bench.jmh;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.peers.KeyedLimiters;
import dev.sluice.bench.peers.LimitSpec;
import dev.sluice.bench.peers.TimeMode;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The workloads' shared numbers, chosen so that every implementation takes the same branch.
 *
 * <p>Single-threaded benchmarks use synthetic time: the benchmark advances its own clock by {@link #STEP_NANOS}
 * per request and passes it in (Sluice's explicit-time {@code check}, a Bucket4j {@code TimeMeter}, the on-heap
 * and Agrona maps). With a limit of {@link #ALLOWED} per key a key sees at most one request per step, 50 per
 * second of synthetic time, so every request is admitted; with {@link #BLOCKED} all but the first are refused.
 * Guava and Resilience4j can only read the system clock; they get a limit no run reaches (admitted) or one
 * permit per hour (refused), so they take the same branch.
 */
final class Workloads {
    /** 1 January 2026, in nanoseconds since the Unix epoch: where synthetic time starts. */
    static final long START_NANOS = 1_767_225_600_000_000_000L;
    /** Synthetic time between two requests: 20 ms. */
    static final long STEP_NANOS = 20_000_000L;
    /** Admits every request at one request per step. */
    static final LimitSpec ALLOWED = new LimitSpec(100, 1);
    /**
     * The three-dimension workload's limit: at one request per {@link #THREE_DIMENSION_STEP_NANOS} over 1,000
     * users, 10 tenants and 5 tools, a tool key sees 2,000 requests a second and a user key 10: all admitted,
     * and no key's state expires between two of its requests.
     */
    static final LimitSpec THREE_DIMENSION = new LimitSpec(10_000, 1);
    /** Synthetic time between two requests of the three-dimension workload: 100 µs. */
    static final long THREE_DIMENSION_STEP_NANOS = 100_000L;
    /** Refuses all but the first request of a run. */
    static final LimitSpec BLOCKED = new LimitSpec(1, 3600);
    /** What a system-clock peer gets for the admitted path: far above any single-JVM throughput. */
    static final LimitSpec UNREACHABLE = new LimitSpec(1_000_000_000, 1);
    /** Contention benchmarks run on the system clock at this limit: the most Sluice accepts by default. */
    static final LimitSpec HOT = new LimitSpec(1_000_000, 1);
    static final List<String> TOOLS = List.of("search", "fetch", "summarize", "translate", "code_exec");
    static final String JVM_NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** Agrona's buffers reach for jdk.internal.misc.Unsafe. */
    static final String JVM_AGRONA = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private Workloads() {
    }

    /**
     * The {@code impl} of the row every other row is read against: it decodes the same identities and hands
     * them to a {@link Blackhole}, nothing else, so a row's figure minus this one is what the limiter costs.
     */
    static final String BASELINE = "baseline";

    static KeyedLimiter synthetic(String implId, boolean allowedPath, long expectedKeys) {
        return synthetic(implId, allowedPath ? ALLOWED : BLOCKED, allowedPath, expectedKeys);
    }

    /**
     * @param spec the limit of every key, for the implementations that run on synthetic time
     * @param allowedPath whether the system-clock peers should admit (unreachable limit) or refuse (1/h)
     */
    static KeyedLimiter synthetic(String implId, LimitSpec spec, boolean allowedPath, long expectedKeys) {
        if (implId.equals(BASELINE)) {
            return new Baseline();
        }
        Impl impl = Impl.of(implId);
        LimitSpec effective = spec;
        if (!impl.acceptsSyntheticTime()) {
            effective = allowedPath ? UNREACHABLE : BLOCKED;
        }
        return KeyedLimiters.create(impl, effective, TimeMode.SYNTHETIC, expectedKeys, TOOLS);
    }

    /** @return {@code implId}'s limiter on the system clock, or the baseline */
    static KeyedLimiter real(String implId, LimitSpec spec, long expectedKeys) {
        if (implId.equals(BASELINE)) {
            return new Baseline();
        }
        return KeyedLimiters.create(Impl.of(implId), spec, TimeMode.REAL, expectedKeys, TOOLS);
    }

    /**
     * @param sink the calling thread's blackhole, which the baseline hands the identities to
     * @return a handle for the calling thread
     */
    static KeyedLimiter.Handle handle(KeyedLimiter limiter, Blackhole sink) {
        return limiter instanceof Baseline ? new Baseline.Sink(sink) : limiter.handle();
    }

    /** The baseline row's "limiter": see {@link #BASELINE}. */
    private static final class Baseline implements KeyedLimiter {
        @Override
        public Handle handle() {
            throw new UnsupportedOperationException("the baseline needs the thread's Blackhole: Workloads.handle");
        }

        /** Consumes the decoded identities and decides nothing. */
        private record Sink(Blackhole blackhole) implements Handle {
            @Override
            public boolean tryAcquire(String user, long nowNanos) {
                blackhole.consume(user);
                return true;
            }

            @Override
            public boolean tryAcquire3(String user, String tenant, String tool, long nowNanos) {
                blackhole.consume(user);
                blackhole.consume(tenant);
                blackhole.consume(tool);
                return true;
            }
        }
    }

    /** Fails the trial when Sluice failed open instead of deciding: such a run would measure the failure path. */
    static void requireNoFailures(KeyedLimiter limiter, String implId) {
        if (limiter.failures() > 0) {
            throw new IllegalStateException(implId + ": " + limiter.failures()
                    + " checks failed in the backend (failed open); the run does not measure decisions");
        }
    }
}
