package dev.sluice.bench.redis;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checks per second and latency of the Redis backend: one synchronous {@code check} (one EVALSHA round trip)
 * per operation, three dimensions, on a Redis the caller starts ({@code -Dsluice.redis.url}, default
 * {@code redis://127.0.0.1:6379}). Callers: 1, 8 and 64 threads, one method each. Each thread checks its own
 * user, so every call is charged and the keys stay hot; limits are high enough that the script always takes
 * the admitting path.
 *
 * <pre>
 * redis-server --port 6379 --save "" --appendonly no &amp;
 * java -jar bench/target/benchmarks.jar RedisCheckBenchmark -p algorithm=fixed_window,token_bucket
 * </pre>
 *
 * Benchmark state is per trial; not thread-safe beyond what JMH guarantees.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisCheckBenchmark {

    /** The limiter shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"fixed_window", "sliding_window", "token_bucket"})
        public String algorithm;

        RateLimiter limiter;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            Algorithm chosen = switch (algorithm) {
                case "sliding_window" -> Algorithm.SLIDING_WINDOW;
                case "token_bucket" -> Algorithm.TOKEN_BUCKET;
                default -> Algorithm.FIXED_WINDOW;
            };
            limiter = RateLimiter.create(LimiterConfig.builder()
                    .backend("redis")
                    .redisUrl(System.getProperty("sluice.redis.url", "redis://127.0.0.1:6379"))
                    .redisKeyPrefix("bench")
                    .algorithm(chosen)
                    .byUser("1000000/s").byTenant("1000000/s").byTool("search", "1000000/s")
                    .build());
        }

        @TearDown(Level.Trial)
        public void close() {
            limiter.close();
        }
    }

    /** One caller: its user name and a reused decision. */
    @State(Scope.Thread)
    public static class Caller {
        String user;
        final Decision decision = new Decision();

        @Setup(Level.Trial)
        public void name(Shared shared) {
            user = "bench-user-" + shared.threads.incrementAndGet();
        }
    }

    @Benchmark
    @Threads(1)
    public boolean oneCaller(Shared shared, Caller caller) {
        return shared.limiter.check(caller.user, "acme", "search", caller.decision);
    }

    @Benchmark
    @Threads(8)
    public boolean eightCallers(Shared shared, Caller caller) {
        return shared.limiter.check(caller.user, "acme", "search", caller.decision);
    }

    @Benchmark
    @Threads(64)
    public boolean sixtyFourCallers(Shared shared, Caller caller) {
        return shared.limiter.check(caller.user, "acme", "search", caller.decision);
    }
}
