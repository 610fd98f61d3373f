package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour section 5: when Redis refuses writes ({@code maxmemory} reached under {@code noeviction}), every check
 * that would write is refused before anything is written, so the fail mode decides; a check that writes nothing
 * (every key over its limit) is still answered. Redis refuses a command that may grow memory only while the
 * script has not yet called a write command, so each script's first write must be one of those.
 */
class RedisOutOfMemoryTest {
    private static final int CHECKS = 2_000;
    /** Slack for Redis' own allocations while it answers (client buffers); each admitted check adds far more. */
    private static final long SLACK_BYTES = 64 * 1024;
    private static LocalRedis redis;
    private static RespClient cli;
    private RedisBackend backend;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start();
        cli = redis.client();
    }

    @AfterAll
    static void stopRedis() {
        cli.close();
        redis.close();
    }

    @BeforeEach
    void empty() {
        cli.call("CONFIG", "SET", "maxmemory", "0");
        cli.call("FLUSHALL");
    }

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
        cli.call("CONFIG", "SET", "maxmemory", "0");
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checksOfNewIdsAreRefusedAndMemoryDoesNotGrow(Algorithm algorithm) {
        backend = connect(algorithm);
        fillUntilOutOfMemory();
        long keys = cli.integer("DBSIZE");
        long usedBefore = usedMemory();
        Batch batch = new Batch();
        for (int i = 0; i < CHECKS; i++) {
            long now = nowNanos();
            batch.begin(null, now, now).add("user", "new-" + i, 10, 60);
            BackendException e = assertThrows(BackendException.class, () -> backend.evaluate(batch), "check " + i);
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        }
        assertEquals(keys, cli.integer("DBSIZE"));
        assertEquals(0L, cli.integer("EXISTS", "rl:user:new-0:60"));
        long grown = usedMemory() - usedBefore;
        assertTrue(grown < SLACK_BYTES, "used_memory grew by " + grown + " bytes over " + CHECKS + " refused checks");
    }

    /** The sliding window's trim of entries that left the window is a write too: it must not come first. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checkOfAnExistingKeyIsRefusedAndLeavesItUntouched(Algorithm algorithm) {
        long now = nowNanos();
        String key = "rl:user:alice:60";
        switch (algorithm) {
            case FIXED_WINDOW -> cli.call("SET", key, "3", "PX", "50000");
            case SLIDING_WINDOW -> cli.call("ZADD", key, seconds(now - 120_000_000_000L), "left-the-window",
                    seconds(now - 1_000_000_000L), "in-the-window");
            case TOKEN_BUCKET -> cli.call("HSET", key, "tokens", "5", "last_refill", seconds(now - 1_000_000_000L));
        }
        Object before = dump(algorithm, key);
        backend = connect(algorithm);
        fillUntilOutOfMemory();
        Batch batch = new Batch().begin(null, now, now).add("user", "alice", 10, 60);
        assertThrows(BackendException.class, () -> backend.evaluate(batch));
        assertEquals(before, dump(algorithm, key));
    }

    /** A fixed-window count without an expiry is given one, but not before the check is known to be admitted. */
    @org.junit.jupiter.api.Test
    void fixedWindowCountWithoutExpiryIsNeitherChargedNorGivenAnExpiry() {
        cli.call("SET", "rl:user:carol:60", "3");
        backend = connect(Algorithm.FIXED_WINDOW);
        fillUntilOutOfMemory();
        long now = nowNanos();
        Batch batch = new Batch().begin(null, now, now).add("user", "carol", 10, 60);
        assertThrows(BackendException.class, () -> backend.evaluate(batch));
        assertEquals("3", cli.string("GET", "rl:user:carol:60"));
        assertEquals(-1L, cli.integer("PTTL", "rl:user:carol:60"));
    }

    /** A request with a new key beside an exhausted one is refused whole: nothing is charged on either key. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checkWithANewKeyBesideAnExhaustedOneWritesNothing(Algorithm algorithm) {
        backend = connect(algorithm);
        long now = nowNanos();
        Batch batch = new Batch();
        backend.evaluate(batch.begin(null, now, now).add("user", "dave", 1, 60));
        Object before = dump(algorithm, "rl:user:dave:60");
        fillUntilOutOfMemory();
        batch.begin(null, now, now).add("user", "dave", 1, 60).add("tool", "search", 5, 1);
        assertThrows(BackendException.class, () -> backend.evaluate(batch));
        assertEquals(before, dump(algorithm, "rl:user:dave:60"));
        assertEquals(0L, cli.integer("EXISTS", "rl:tool:search:1"));
    }

    /** A check that writes nothing needs no memory: over its limit, it is answered as usual. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void checkOverItsLimitIsStillAnswered(Algorithm algorithm) {
        backend = connect(algorithm);
        long now = nowNanos();
        Batch batch = new Batch();
        backend.evaluate(batch.begin(null, now, now).add("user", "erin", 1, 60));
        fillUntilOutOfMemory();
        backend.evaluate(batch.begin(null, now, now).add("user", "erin", 1, 60));
        assertEquals(Outcome.BLOCKED, batch.outcome(0));
    }

    /** All or nothing decides every key before it writes: its first write is refused, so none is made. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allOrNothingCheckWithANewKeyBesideOneWithRoomWritesNothing(Algorithm algorithm) {
        backend = connect(algorithm);
        long now = nowNanos();
        backend.evaluate(TestRequest.at(now).preset("user", "frank", 5, 60).batch());
        Object before = dump(algorithm, "rl:user:frank:60");
        fillUntilOutOfMemory();
        TestRequest r = TestRequest.at(now).allOrNothingOn().permits(2).preset("user", "frank", 5, 60)
                .preset("tool", "search", 5, 1);
        BackendException e = assertThrows(BackendException.class, () -> backend.evaluate(r.batch()));
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        assertEquals(before, dump(algorithm, "rl:user:frank:60"));
        assertEquals(0L, cli.integer("EXISTS", "rl:tool:search:1"));
    }

    /**
     * Taking a charge back frees what the charge took, so Redis out of memory must not refuse it: the script's
     * first write is one Redis lets through (DEL, PEXPIREAT, PEXPIRE, ZREM), after which it refuses nothing.
     */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void undoIsNotRefusedForWantOfMemory(Algorithm algorithm) {
        String source = LimitScript.of(algorithm).source();
        long micros = nowNanos() / 1_000;
        String key = "rl:user:grace:60";
        // Grace has used 3 of 10; a request of 2 is charged, then Redis runs out of memory before it is taken back.
        eval(source, key, micros, "earlier", LimitScript.CHECK, 3, 0);
        Object before = dump(algorithm, key);
        List<Object> charged = eval(source, key, micros, "this", LimitScript.CHECK_ALL, 2, 0);
        assertEquals(1L, charged.get(1), charged::toString);
        fillUntilOutOfMemory();
        long endMillis = Math.floorDiv(micros + (Long) charged.get(3) / 1_000, 1_000);
        List<Object> undone = eval(source, key, micros, "this", LimitScript.UNDO, 2, endMillis);
        assertEquals(List.of(0L, 1L, 0L, 0L, 0L), undone);
        assertEquals(before, dump(algorithm, key));
    }

    /** One check by EVAL on {@code key}, 10 per minute: the reply (the call's time, then the key's four integers). */
    private static List<Object> eval(String source, String key, long micros, String member, int operation, long permits,
            long endMillis) {
        List<String> command = new java.util.ArrayList<>(List.of("EVAL", source, "1", key, "0", Long.toString(micros),
                member, Integer.toString(operation), Long.toString(permits), "1", "10", "60"));
        if (operation == LimitScript.UNDO) {
            command.add(Long.toString(endMillis));
        }
        return cli.list(command.toArray(String[]::new));
    }

    private static RedisBackend connect(Algorithm algorithm) {
        RedisBackend b = RedisBackend.create(LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                .algorithm(algorithm).redisCommandTimeout(Duration.ofSeconds(10)).build());
        // Connected, and its script loaded, while Redis still has room.
        long now = nowNanos();
        b.evaluate(new Batch().begin(null, now, now).add("user", "warm-up", 1, 1));
        cli.call("DEL", "rl:user:warm-up:1");
        return b;
    }

    /**
     * Fills Redis with 1 MB of filler, then sets its memory limit half a megabyte below what it uses, so that it
     * stays out of memory whatever buffers come and go while the test runs.
     */
    private static void fillUntilOutOfMemory() {
        String filler = "f".repeat(4096);
        for (int i = 0; i < 256; i++) {
            cli.call("SET", "filler:" + i, filler);
        }
        cli.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        cli.call("CONFIG", "SET", "maxmemory", Long.toString(usedMemory() - 512 * 1024));
        RespClient.RespError refused = assertThrows(RespClient.RespError.class, () -> cli.call("SET", "one-more", "x"));
        assertTrue(refused.getMessage().startsWith("OOM"), refused.getMessage());
    }

    private static Object dump(Algorithm algorithm, String key) {
        return switch (algorithm) {
            case FIXED_WINDOW -> List.of(String.valueOf(cli.call("GET", key)), cli.integer("PTTL", key) > 0);
            case SLIDING_WINDOW -> cli.list("ZRANGE", key, "0", "-1", "WITHSCORES");
            case TOKEN_BUCKET -> cli.list("HGETALL", key);
        };
    }

    private static long usedMemory() {
        for (String line : ((String) cli.call("INFO", "memory")).split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()));
            }
        }
        throw new IllegalStateException("INFO memory without used_memory");
    }

    private static long nowNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static String seconds(long epochNanos) {
        return String.format(java.util.Locale.ROOT, "%d.%06d", epochNanos / 1_000_000_000L, epochNanos / 1_000 % 1_000_000);
    }
}
