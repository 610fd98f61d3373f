package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request of n permits is admitted only when a key has room for all n, and then charges exactly n, written as
 * the original's readers read the keys: a count, n log members, a bucket n tokens lower.
 */
class RedisPermitsTest extends FlushedRedisTest {
    private static final long SECOND = 1_000_000_000L;
    private RedisBackend backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void fixedWindowCountsEveryPermit() {
        backend = connect(Algorithm.FIXED_WINDOW);
        long t = base();
        TestRequest three = check(t, 3);
        assertEquals(List.of(Outcome.ALLOWED, 7L, 60 * SECOND), answer(three));
        assertEquals("3", cli.string("GET", "rl:user:alice:60"));
        assertTtlWithin("rl:user:alice:60", 59_000, 60_000);

        TestRequest eight = check(t + 10 * SECOND, 8);
        assertEquals(List.of(Outcome.BLOCKED, 50 * SECOND, 50 * SECOND), List.of(eight.outcome(0),
                eight.resetAfterNanos(0), eight.retryAfterNanos(0)));
        assertEquals("3", cli.string("GET", "rl:user:alice:60"));

        assertEquals(List.of(Outcome.ALLOWED, 0L, 50 * SECOND), answer(check(t + 10 * SECOND, 7)));
        assertEquals("10", cli.string("GET", "rl:user:alice:60"));
    }

    /** Admitting n needs count + n - limit entries to leave the window: the last of them says when. */
    @Test
    void slidingWindowLogsOneMemberPerPermitAndWaitsForAsManyToLeave() {
        backend = connect(Algorithm.SLIDING_WINDOW);
        long t = base();
        assertEquals(List.of(Outcome.ALLOWED, 9L, 60 * SECOND), answer(check(t, 1)));
        assertEquals(List.of(Outcome.ALLOWED, 4L, 50 * SECOND), answer(check(t + 10 * SECOND, 5)));
        List<Object> log = cli.list("ZRANGE", "rl:user:alice:60", "0", "-1", "WITHSCORES");
        assertEquals(12, log.size(), log::toString);
        Set<Object> members = new HashSet<>();
        for (int i = 0; i < log.size(); i += 2) {
            members.add(log.get(i));
            long micros = Math.round(Double.parseDouble((String) log.get(i + 1)) * 1e6);
            assertEquals(i == 0 ? t / 1_000 : (t + 10 * SECOND) / 1_000, micros, log::toString);
        }
        assertEquals(6, members.size(), "one distinct member per permit: " + log);

        // 6 logged, 7 more need 3 to leave: the one at t and two of t + 10 s, which leave at t + 70 s: the request's
        // reset and retry-after.
        TestRequest seven = check(t + 20 * SECOND, 7);
        assertEquals(List.of(Outcome.BLOCKED, 50 * SECOND, 50 * SECOND), List.of(seven.outcome(0),
                seven.resetAfterNanos(0), seven.retryAfterNanos(0)));
        assertEquals(6L, cli.integer("ZCARD", "rl:user:alice:60"));
        // 5 more need 1 to leave: the one at t, at t + 60 s.
        assertEquals(40 * SECOND, check(t + 20 * SECOND, 5).retryAfterNanos(0));
        assertEquals(List.of(Outcome.ALLOWED, 0L, 40 * SECOND), answer(check(t + 20 * SECOND, 4)));
        assertEquals(10L, cli.integer("ZCARD", "rl:user:alice:60"));
    }

    /** 10 per minute: a token every 6 s. */
    @Test
    void tokenBucketTakesEveryPermitAndWaitsForAsManyTokens() {
        backend = connect(Algorithm.TOKEN_BUCKET);
        long t = base();
        assertEquals(List.of(Outcome.ALLOWED, 7L, 18 * SECOND), answer(check(t, 3)));
        assertEquals(Map.of("tokens", "7", "last_refill", t / SECOND + ".000000"), hash("rl:user:alice:60"));

        TestRequest nine = check(t, 9);
        assertEquals(List.of(Outcome.BLOCKED, 12 * SECOND, 12 * SECOND), List.of(nine.outcome(0),
                nine.resetAfterNanos(0), nine.retryAfterNanos(0)));
        assertEquals(Map.of("tokens", "7", "last_refill", t / SECOND + ".000000"), hash("rl:user:alice:60"));

        // 3 s later half a token has come back: 7.5, of which 7 are taken.
        assertEquals(List.of(Outcome.ALLOWED, 0L, 57 * SECOND), answer(check(t + 3 * SECOND, 7)));
        assertEquals(Map.of("tokens", "0.5", "last_refill", (t / SECOND + 3) + ".000000"), hash("rl:user:alice:60"));
    }

    /** A request no key can ever hold: refused for a whole window, whatever the key holds, nothing written. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void requestOfMorePermitsThanTheLimitIsRefusedForAWindowAndWritesNothing(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        check(t, 4);
        Object before = dump(algorithm, "rl:user:alice:60");
        for (long at : new long[] {t, t + 30 * SECOND}) {
            TestRequest eleven = check(at, 11);
            assertEquals(List.of(Outcome.BLOCKED, 60 * SECOND, 60 * SECOND), List.of(eleven.outcome(0),
                    eleven.resetAfterNanos(0), eleven.retryAfterNanos(0)));
        }
        assertEquals(before, dump(algorithm, "rl:user:alice:60"));
        cli.call("FLUSHALL");
        assertEquals(Outcome.BLOCKED, check(t, 11).outcome(0));
        assertEquals(0L, cli.integer("DBSIZE"));
    }

    /** One permit is the request the original made: the stored values are the same as before. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void permitsChargedOneAtATimeOrAllAtOnceLeaveTheSameCount(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        for (int i = 0; i < 4; i++) {
            check(t, 1);
        }
        Object oneByOne = dump(algorithm, "rl:user:alice:60");
        cli.call("FLUSHALL");
        check(t, 4);
        Object allAtOnce = dump(algorithm, "rl:user:alice:60");
        assertEquals(oneByOne, allAtOnce);
    }

    private TestRequest check(long epochNanos, long permits) {
        TestRequest r = TestRequest.at(epochNanos).permits(permits).preset("user", "alice", 10, 60);
        backend.evaluate(r.batch());
        return r;
    }

    private static List<Object> answer(TestRequest r) {
        return List.of(r.outcome(0), r.remaining(0), r.resetAfterNanos(0));
    }

    /** The count, the number of log entries, or the hash: what stays the same however the permits came. */
    private static Object dump(Algorithm algorithm, String key) {
        return switch (algorithm) {
            case FIXED_WINDOW -> cli.string("GET", key);
            case SLIDING_WINDOW -> cli.integer("ZCARD", key);
            case TOKEN_BUCKET -> hash(key);
        };
    }

    static RedisBackend connect(Algorithm algorithm) {
        return RedisBackend.create(LimiterConfig.builder().backend("redis").redisUrl(redis.url()).algorithm(algorithm)
                .redisCommandTimeout(Duration.ofSeconds(10)).build());
    }

    /** @return a whole second a little ahead of now, in nanoseconds: keys expire in real time after the test */
    static long base() {
        return RedisTestConfigs.nextEpochSecond() * SECOND;
    }

    static Map<String, String> hash(String key) {
        List<Object> flat = cli.list("HGETALL", key);
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return out;
    }

    private static void assertTtlWithin(String key, long minMillis, long maxMillis) {
        long pttl = cli.integer("PTTL", key);
        assertTrue(pttl >= minMillis - 2_000 && pttl <= maxMillis + 1_000, key + " PTTL " + pttl);
    }
}
