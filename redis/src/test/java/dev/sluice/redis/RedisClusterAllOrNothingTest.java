package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.LocalRedisCluster;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Operation;
import dev.sluice.spi.Outcome;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * All-or-nothing on a Redis Cluster when a request's keys lie in different hash slots, which no one script can
 * read together: every slot is peeked first, and only when every key has room is every slot charged; a slot that
 * refuses (or fails) then has the other slots' charges taken back. Alice's and Bob's keys hash to different slots.
 */
@EveryRedisVersion
class RedisClusterAllOrNothingTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String ALICE = "rl:user:alice:60";
    private static final String BOB = "rl:user:bob:60";
    private static LocalRedisCluster cluster;

    /** The run's server; injected as a field so that the run's start-up method receives it too. */
    @Parameter
    RedisServerBinary server;

    private RedisBackend backend;

    @BeforeParameterizedClassInvocation
    static void startCluster(RedisServerBinary server) {
        cluster = LocalRedisCluster.start(server);
        assertNotEquals(SlotHash.getSlot(ALICE), SlotHash.getSlot(BOB), "the keys must lie in two slots");
    }

    @AfterParameterizedClassInvocation
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void flush() {
        for (LocalRedis node : cluster.nodes()) {
            try (RespClient cli = node.client()) {
                cli.call("FLUSHALL");
            }
        }
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The refusal is known from the peeks: one call per slot, and nothing written anywhere. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void refusedByOneSlotIsDecidedByPeeksAndChargesNoSlot(Algorithm algorithm) {
        backend = connect(algorithm, false);
        long t = base();
        exhaustBob(t);
        Object aliceBefore = dump(algorithm, ALICE);
        resetStats();
        TestRequest r = aliceAndBob(t);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        assertEquals(2L, r.remaining(0), "alice is answered as a peek would be: " + r.answers());
        assertEquals(aliceBefore, dump(algorithm, ALICE));
        assertEquals(2L, scriptCalls(), "one peek per slot");
        assertEquals(0L, backend.stats().get("undos"));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void admittedByEverySlotIsChargedOnEverySlot(Algorithm algorithm) {
        backend = connect(algorithm, false);
        long t = base();
        resetStats();
        TestRequest r = aliceAndBob(t);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        assertEquals(List.of(2L, 1L), List.of(r.remaining(0), r.remaining(1)));
        assertEquals(4L, scriptCalls(), "a peek, then a charge, per slot");
        TestRequest second = aliceAndBob(t);
        backend.evaluate(second.batch());
        assertEquals(List.of(1L, 0L), List.of(second.remaining(0), second.remaining(1)), "each was charged once");
    }

    /**
     * Bob's last permits go to another client between the peeks and the charges: Bob's slot refuses, and the charge
     * Alice's slot made is taken back exactly, whether it started her key or added to it.
     */
    @ParameterizedTest(name = "{0}, alice charged {1} times before")
    @CsvSource({"FIXED_WINDOW, 0", "FIXED_WINDOW, 1", "SLIDING_WINDOW, 0", "SLIDING_WINDOW, 1", "TOKEN_BUCKET, 0",
            "TOKEN_BUCKET, 1"})
    void slotThatRefusesAfterThePeeksHasTheOtherSlotsChargesTakenBack(Algorithm algorithm, int aliceBefore) {
        backend = connect(algorithm, false);
        long t = base();
        for (int i = 0; i < aliceBefore; i++) {
            backend.evaluate(TestRequest.at(t - SECOND).preset("user", "alice", 3, 60).batch());
        }
        Object alice = state(algorithm, ALICE, t);
        takeBobsPermitsBeforeTheCharge(algorithm, t);
        TestRequest r = aliceAndBob(t);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        assertEquals(2L - aliceBefore, r.remaining(0), "alice is answered as a peek would be: " + r.answers());
        assertEquals(alice, state(algorithm, ALICE, t), "alice's key is as it was");
        assertEquals(1L, backend.stats().get("undos"));
        assertEquals(0L, backend.stats().get("undo_failures"));
    }

    /** With Redis' time the script's clock decides the window, and the reply tells its end to the undo. */
    @Test
    void fixedWindowChargeIsTakenBackWithRedisTime() {
        backend = connect(Algorithm.FIXED_WINDOW, true);
        long t = System.currentTimeMillis() * 1_000_000L;
        backend.evaluate(TestRequest.at(t).preset("user", "alice", 3, 60).batch());
        Object alice = dump(Algorithm.FIXED_WINDOW, ALICE);
        takeBobsPermitsBeforeTheCharge(Algorithm.FIXED_WINDOW, t);
        TestRequest r = aliceAndBob(t);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        assertEquals(alice, dump(Algorithm.FIXED_WINDOW, ALICE));
        assertEquals("2", onNodeOf(BOB, "GET", BOB));
    }

    /** Bob's key changes type between the peek and the charge: the request fails, and Alice's charge is undone. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void slotThatFailsAfterThePeeksHasTheOtherSlotsChargesTakenBackAndTheRequestFails(Algorithm algorithm) {
        backend = connect(algorithm, false);
        long t = base();
        AtomicBoolean done = new AtomicBoolean();
        byte[] bob = BOB.getBytes(StandardCharsets.UTF_8);
        backend.beforeSubmit(part -> {
            if (part.phase() == Check.Phase.CHARGE && Arrays.equals(part.firstKey(), bob) && done.compareAndSet(false, true)) {
                onNodeOf(BOB, "DEL", BOB);
                if (algorithm == Algorithm.FIXED_WINDOW) {
                    onNodeOf(BOB, "HSET", BOB, "tokens", "1");
                } else {
                    onNodeOf(BOB, "SET", BOB, "1");
                }
            }
        });
        BackendException e = assertThrows(BackendException.class, () -> backend.evaluate(aliceAndBob(t).batch()));
        assertTrue(e.getMessage().contains("failed for this check"), e.getMessage());
        assertEquals(0L, (long) (Long) onNodeOf(ALICE, "EXISTS", ALICE), "alice's charge was taken back");
        assertEquals(1L, backend.stats().get("undos"));
        assertEquals(1L, backend.stats().get("failures"));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allOrNothingPeekAcrossSlotsAnswersWhatTheCheckDoesAndWritesNothing(Algorithm algorithm) {
        backend = connect(algorithm, false);
        long t = base();
        exhaustBob(t);
        TestRequest peek = aliceAndBob(t).operation(Operation.PEEK);
        backend.evaluate(peek.batch());
        TestRequest check = aliceAndBob(t);
        backend.evaluate(check.batch());
        assertEquals(check.answers(), peek.answers());
        assertEquals(0L, (long) (Long) onNodeOf(ALICE, "EXISTS", ALICE));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resetAcrossSlotsForgetsEveryKey(Algorithm algorithm) {
        backend = connect(algorithm, false);
        long t = base();
        exhaustBob(t);
        backend.evaluate(TestRequest.at(t).preset("user", "alice", 3, 60).batch());
        TestRequest reset = aliceAndBob(t).operation(Operation.RESET);
        backend.evaluate(reset.batch());
        assertEquals("ALLOWED remaining=3 reset=0 retry=0; ALLOWED remaining=2 reset=0 retry=0", reset.answers());
        assertEquals(0L, (long) (Long) onNodeOf(ALICE, "EXISTS", ALICE));
        assertEquals(0L, (long) (Long) onNodeOf(BOB, "EXISTS", BOB));
    }

    /** Without all-or-nothing the original's rule holds on a Cluster too: one call per slot, Alice charged. */
    @Test
    void plainCheckAcrossSlotsIsOneCallPerSlotAndChargesTheEntriesWithRoom() {
        backend = connect(Algorithm.FIXED_WINDOW, false);
        long t = base();
        exhaustBob(t);
        resetStats();
        TestRequest r = TestRequest.at(t).preset("user", "alice", 3, 60).preset("user", "bob", 2, 60);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)));
        assertEquals("1", onNodeOf(ALICE, "GET", ALICE));
        assertEquals(2L, scriptCalls());
    }

    /** Has another client take Bob's 2 permits just before Bob's slot is charged. */
    private void takeBobsPermitsBeforeTheCharge(Algorithm algorithm, long t) {
        AtomicBoolean done = new AtomicBoolean();
        byte[] bob = BOB.getBytes(StandardCharsets.UTF_8);
        backend.beforeSubmit(part -> {
            if (part.phase() == Check.Phase.CHARGE && Arrays.equals(part.firstKey(), bob) && done.compareAndSet(false, true)) {
                String seconds = String.format(Locale.ROOT, "%d.%06d", t / SECOND, t / 1_000 % 1_000_000);
                switch (algorithm) {
                    case FIXED_WINDOW -> onNodeOf(BOB, "SET", BOB, "2", "PX", "60000");
                    case SLIDING_WINDOW -> onNodeOf(BOB, "ZADD", BOB, seconds, "other-1", seconds, "other-2");
                    case TOKEN_BUCKET -> onNodeOf(BOB, "HSET", BOB, "tokens", "0", "last_refill", seconds);
                }
            }
        });
    }

    /** Bob has used his 2 per minute. */
    private void exhaustBob(long t) {
        backend.evaluate(TestRequest.at(t).permits(2).preset("user", "bob", 2, 60).batch());
    }

    /** Alice has 3 per minute, Bob 2; all or nothing, one permit of each. */
    private static TestRequest aliceAndBob(long t) {
        return TestRequest.at(t).allOrNothingOn().preset("user", "alice", 3, 60).preset("user", "bob", 2, 60);
    }

    private static Object dump(Algorithm algorithm, String key) {
        return switch (algorithm) {
            case FIXED_WINDOW -> List.of(String.valueOf(onNodeOf(key, "GET", key)), (Long) onNodeOf(key, "PTTL", key) > 0);
            case SLIDING_WINDOW -> onNodeOf(key, "ZRANGE", key, "0", "-1", "WITHSCORES");
            case TOKEN_BUCKET -> onNodeOf(key, "HGETALL", key);
        };
    }

    /**
     * The key as every reader at {@code epochNanos} or later sees it: a count and whether it expires, the log, or
     * the tokens the bucket holds at that time (a bucket charged and given back is stamped later, the same bucket).
     */
    @SuppressWarnings("unchecked")
    private static Object state(Algorithm algorithm, String key, long epochNanos) {
        if (algorithm != Algorithm.TOKEN_BUCKET) {
            return dump(algorithm, key);
        }
        List<Object> hash = (List<Object>) onNodeOf(key, "HMGET", key, "tokens", "last_refill");
        if (hash.get(0) == null) {
            return "full";
        }
        // 3 per minute: 0.05 tokens a second.
        double tokens = Double.parseDouble((String) hash.get(0))
                + (epochNanos / 1e9 - Double.parseDouble((String) hash.get(1))) * 0.05;
        return String.format(Locale.ROOT, "%.6f tokens", Math.min(3, tokens));
    }

    /** Runs a command on the master that holds {@code key}'s slot. */
    private static Object onNodeOf(String key, String... command) {
        for (LocalRedis node : cluster.nodes()) {
            try (RespClient cli = node.client()) {
                List<Object> slots = cli.list("CLUSTER", "SLOTS");
                int slot = SlotHash.getSlot(key);
                for (Object range : slots) {
                    List<?> r = (List<?>) range;
                    List<?> master = (List<?>) r.get(2);
                    if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1) && ((Long) master.get(1)).intValue() == node.port()) {
                        return cli.call(command);
                    }
                }
            }
        }
        throw new IllegalStateException("no master holds the slot of " + key);
    }

    private static void resetStats() {
        for (LocalRedis node : cluster.nodes()) {
            try (RespClient cli = node.client()) {
                cli.call("CONFIG", "RESETSTAT");
            }
        }
    }

    private static long scriptCalls() {
        long calls = 0;
        for (LocalRedis node : cluster.nodes()) {
            try (RespClient cli = node.client()) {
                var stats = LocalRedis.commandCalls(cli);
                calls += stats.getOrDefault("evalsha", 0L) + stats.getOrDefault("eval", 0L);
            }
        }
        return calls;
    }

    private static RedisBackend connect(Algorithm algorithm, boolean serverTime) {
        return RedisBackend.create(LimiterConfig.builder().backend("redis").redisUrl(cluster.url()).algorithm(algorithm)
                .redisServerTime(serverTime).redisCommandTimeout(Duration.ofSeconds(10)).build());
    }

    private static long base() {
        return RedisTestConfigs.nextEpochSecond() * SECOND;
    }
}
