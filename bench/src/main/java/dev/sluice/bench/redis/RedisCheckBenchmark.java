package dev.sluice.bench.redis;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Checks per second and latency against one Redis: Sluice's Redis backend against Bucket4j's Lettuce
 * integration, the same keys on the same server, chosen by {@code impl}:
 *
 * <ul>
 *   <li>{@code sluice-token}, {@code sluice-fixed}: {@code RateLimiter} with {@code backend: redis}, token bucket
 *       or fixed window, on the zero-allocation {@code check(user, tenant, tool, Decision)} with a decision per
 *       thread; one round trip per check: each check is carried by one {@code EVALSHA}, which concurrent checks
 *       share (coalescing, {@code docs/redis.md}).
 *   <li>{@code bucket4j}: Bucket4j 8.19.0 {@code LettuceBasedProxyManager} (compare-and-swap) on one shared
 *       {@code StatefulRedisConnection<byte[], byte[]>}, one {@code BucketProxy} per key built once, each with a
 *       {@code BucketConfiguration} of the same rate; a check is {@code tryConsume(1)}: {@code GET} the state,
 *       then {@code EVAL} a script that writes it only if it is unchanged (again from {@code GET} when it was).
 * </ul>
 *
 * <p>Keys: a pool of {@code keys} users, drawn uniformly by each thread (its own seeded {@code SplittableRandom});
 * one dimension (by user) for everyone, {@value #RATE_PER_SECOND}/s per user, so every check is admitted and
 * writes state. Callers: JMH threads, {@code -t 1}, {@code -t 8}, {@code -t 64}; all share one connection per
 * library, as both are meant to be used.
 *
 * <p>Each trial starts its own {@code redis-server} on a free loopback port ({@link LocalRedis}, the Redis tests'
 * own launcher: the server on {@code PATH}, or the binary {@code -jvmArgsAppend -Dsluice.redis.server=<binary>}
 * names) and kills that pid at the end; the trial's line names the server and its version. Round trips:
 * {@code INFO commandstats} before and after the trial (warm-up included), divided by the checks the benchmark
 * counted; commands a script runs inside Redis cost no round trip and are subtracted (Sluice's scripts call only
 * the commands of {@link #SLUICE_SCRIPT_CALLS}; Bucket4j's scripts call {@code SET NX PX} on a new key, or
 * {@code GET} and, when it matches, {@code PSETEX}); Sluice's round trips per check come from its backend's
 * counters instead ({@link RoundTrips}). Where the CPU went: {@link TrialLoad}. The result is printed at the end
 * of the trial and, with {@code -jvmArgsAppend -Dsluice.bench.redis.stats=FILE}, appended to FILE as
 * {@code impl,threads,mode,checks,round_trips_per_check,commands_per_check,
 * server_cpu_us_per_check,client_cpu_us_per_check,server_busy,server_us_per_call}.
 *
 * <pre>
 * ./sluice jmh RedisCheckBenchmark -t 8 -bm thrpt -tu s
 * ./sluice jmh RedisCheckBenchmark -t 64 -bm sample -tu us -p impl=sluice-token,bucket4j
 * </pre>
 *
 * <p>Sluice fails open when Redis does not answer: an iteration in which it did fails rather than reports the
 * failure path. Benchmark state is per trial; not thread-safe beyond what JMH guarantees.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"})
public class RedisCheckBenchmark {
    static final int RATE_PER_SECOND = 1000;

    /** What Sluice's Lua scripts call inside Redis (the list {@code RedisRoundTripTest} subtracts). */
    static final java.util.Set<String> SLUICE_SCRIPT_CALLS = java.util.Set.of("get", "set", "incr", "pexpiretime",
            "pexpireat", "pttl", "time", "zremrangebyscore", "zcard", "zadd", "zrange", "pexpire", "hmget", "hset");

    /** The server, the implementation under test and the trial's counts, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"sluice-token", "sluice-fixed", "bucket4j"})
        public String impl;

        @Param("10000")
        public int keys;

        LocalRedis server;
        RateLimiter limiter;
        RedisClient client;
        StatefulRedisConnection<byte[], byte[]> connection;
        BucketProxy[] buckets;
        String[] users;
        final LongAdder checks = new LongAdder();
        final AtomicInteger seeds = new AtomicInteger();
        private long failuresSeen;
        private Map<String, Long> before;
        private TrialLoad.Reading loadBefore;
        private String threads;
        private String mode;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            threads = Integer.toString(params.getThreads());
            mode = params.getMode().shortLabel();
            server = LocalRedis.start();
            users = new String[keys];
            for (int i = 0; i < keys; i++) {
                users[i] = "user-" + i;
            }
            switch (impl) {
                case "sluice-token", "sluice-fixed" -> limiter = RateLimiter.create(LimiterConfig.builder()
                        .backend("redis")
                        .redisUrl(server.url())
                        .redisKeyPrefix("bench")
                        .redisCommandTimeout(Duration.ofSeconds(5))
                        .algorithm(impl.equals("sluice-token") ? Algorithm.TOKEN_BUCKET : Algorithm.FIXED_WINDOW)
                        .byUser(RATE_PER_SECOND + "/s")
                        .build());
                case "bucket4j" -> {
                    client = RedisClient.create(server.url());
                    connection = client.connect(ByteArrayCodec.INSTANCE);
                    LettuceBasedProxyManager<byte[]> proxies = Bucket4jLettuce.casBasedBuilder(connection)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy
                                    .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
                            .requestTimeout(Duration.ofSeconds(5))
                            .build();
                    BucketConfiguration configuration = BucketConfiguration.builder()
                            .addLimit(limit -> limit.capacity(RATE_PER_SECOND)
                                    .refillGreedy(RATE_PER_SECOND, Duration.ofSeconds(1)))
                            .build();
                    buckets = new BucketProxy[keys];
                    for (int i = 0; i < keys; i++) {
                        byte[] key = ("bench:user:" + users[i] + ":1").getBytes(StandardCharsets.UTF_8);
                        buckets[i] = proxies.builder().build(key, () -> configuration);
                    }
                }
                default -> throw new IllegalArgumentException("impl: unknown \"" + impl + "\"");
            }
            before = server.commandCalls();
            loadBefore = TrialLoad.Reading.of(server);
        }

        /** An iteration in which Sluice failed open measured the failure path: it fails, and is not reported. */
        @TearDown(Level.Iteration)
        public void requireDecisions() {
            if (limiter != null) {
                long failures = limiter.stats().backendFailures();
                if (failures > failuresSeen) {
                    long iteration = failures - failuresSeen;
                    failuresSeen = failures;
                    throw new IllegalStateException(impl + ": " + iteration
                            + " checks failed in the backend (failed open); the iteration does not measure decisions");
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                TrialLoad.Reading loadAfter = TrialLoad.Reading.of(server);
                double carried = Double.NaN;
                if (limiter != null) {
                    Map<String, Long> backend = limiter.stats().backend();
                    carried = backend.get("script_call_checks") / (double) backend.get("checks");
                }
                RoundTrips trips = RoundTrips.of(impl, before, loadAfter.calls(), checks.sum(), carried);
                report(trips, TrialLoad.of(loadBefore, loadAfter, trips));
            } finally {
                if (limiter != null) {
                    limiter.close();
                }
                if (connection != null) {
                    connection.close();
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
                server.close();
            }
        }

        private void report(RoundTrips trips, TrialLoad load) {
            System.out.printf(java.util.Locale.ROOT, "%n%s, %s threads, %s, %s: %s%n%s, %s threads, %s: %s%n", impl,
                    threads, mode, server.binary(), trips.describe(), impl, threads, mode, load.describe());
            String file = System.getProperty("sluice.bench.redis.stats");
            if (file == null || file.isBlank()) {
                return;
            }
            String line = String.join(",", impl, threads, mode, Long.toString(trips.checks()),
                    String.format(java.util.Locale.ROOT, "%.4f", trips.perCheck()), trips.commandsPerCheck(),
                    String.format(java.util.Locale.ROOT, "%.2f,%.2f,%.3f", load.cpuMicrosPerCheck(),
                            load.clientCpuMicrosPerCheck(), load.busy()), load.microsPerCallText()) + "\n";
            try {
                Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One caller: its own key draws and a reused decision. */
    @State(Scope.Thread)
    public static class Caller {
        SplittableRandom random;
        final Decision decision = new Decision();

        @Setup(Level.Trial)
        public void seed(Shared shared) {
            random = new SplittableRandom(0x5EED_0000L + shared.seeds.incrementAndGet());
        }
    }

    @Benchmark
    public boolean check(Shared shared, Caller caller) {
        int key = caller.random.nextInt(shared.keys);
        shared.checks.increment();
        return shared.limiter != null
                ? shared.limiter.check(shared.users[key], null, null, caller.decision)
                : shared.buckets[key].tryConsume(1);
    }
}
