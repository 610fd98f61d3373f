package dev.sluice.redis;

import static dev.sluice.redis.RedisPermitsTest.base;
import static dev.sluice.redis.RedisPermitsTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import dev.sluice.spi.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a request asks of its keys on standalone Redis: a check with any number of entries in one script call,
 * all-or-nothing, a peek that writes nothing, a reset that forgets.
 */
class RedisOperationsTest extends FlushedRedisTest {
    private static final long SECOND = 1_000_000_000L;
    private RedisBackend backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Twenty entries, presets and custom limits of one and two attributes: one EVALSHA charges them all. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void requestOfTwentyEntriesIsOneScriptCallThatChargesEveryKey(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        backend.evaluate(TestRequest.at(t).preset("user", "warm-up", 1, 1).batch());
        cli.call("FLUSHALL");
        cli.call("CONFIG", "RESETSTAT");
        TestRequest r = TestRequest.at(t).tenant("acme").preset("user", "alice", 5, 60).preset("tenant", "acme", 50, 60);
        for (int i = 0; i < 9; i++) {
            r.entry("per_key", List.of("api_key"), List.of("k" + i), 3, 60);
            r.entry("per_route", List.of("api_key", "route"), List.of("k" + i, "/r:" + i + "|x"), 2, 1);
        }
        backend.evaluate(r.batch());
        assertEquals(20, r.size());
        for (int i = 0; i < r.size(); i++) {
            assertEquals(Outcome.ALLOWED, r.outcome(i), r.answers());
        }
        assertEquals(List.of(4L, 49L, 2L, 1L), List.of(r.remaining(0), r.remaining(1), r.remaining(2), r.remaining(3)));
        assertEquals(Map.of("evalsha", 1L), scriptCalls());
        TreeSet<String> keys = keys();
        assertEquals(20, keys.size(), keys::toString);
        assertEquals(true, keys.contains("rl:user:alice:60") && keys.contains("rl:tenant:acme:60")
                && keys.contains("rl:per_key:k0:60") && keys.contains("rl:per_route:api_key:k8|route:/r%3A8%7Cx:1"),
                keys::toString);
    }

    /** Composite keys hold the algorithm's values exactly as preset keys do. */
    @Test
    void compositeKeyIsWrittenByteForByteWithTheAlgorithmsValue() {
        backend = connect(Algorithm.FIXED_WINDOW);
        backend.evaluate(TestRequest.at(base()).permits(2)
                .entry("per_route", List.of("api_key", "route"), List.of("k:1", "/a|b%"), 10, 60).batch());
        assertEquals(new TreeSet<>(List.of("rl:per_route:api_key:k%3A1|route:/a%7Cb%25:60")), keys());
        assertEquals("2", cli.string("GET", "rl:per_route:api_key:k%3A1|route:/a%7Cb%25:60"));
    }

    /** The original charged every dimension with room even when another blocked; so does a plain check. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void plainCheckChargesTheEntriesWithRoomWhenAnotherBlocks(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        exhaustBob(t);
        TestRequest r = aliceAndBob(t);
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        assertEquals(2L, r.remaining(0));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allOrNothingCheckRefusedByOneEntryChargesNoneInOneCall(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        exhaustBob(t);
        Object aliceBefore = dump(algorithm, "rl:user:alice:60");
        cli.call("CONFIG", "RESETSTAT");
        TestRequest r = aliceAndBob(t).allOrNothingOn();
        backend.evaluate(r.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(r.outcome(0), r.outcome(1)), r.answers());
        // Alice is answered as a peek would be (2 left after this request), and nothing was taken.
        assertEquals(2L, r.remaining(0), r.answers());
        assertEquals(aliceBefore, dump(algorithm, "rl:user:alice:60"));
        assertEquals(Map.of("evalsha", 1L), scriptCalls());
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allOrNothingCheckWithRoomEverywhereChargesEveryEntry(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        for (long bobLeft = 1; bobLeft >= 0; bobLeft--) {
            TestRequest r = aliceAndBob(t).allOrNothingOn();
            backend.evaluate(r.batch());
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED), List.of(r.outcome(0), r.outcome(1)), r.answers());
            assertEquals(List.of(bobLeft + 1, bobLeft), List.of(r.remaining(0), r.remaining(1)));
        }
        TestRequest refused = aliceAndBob(t).allOrNothingOn();
        backend.evaluate(refused.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.BLOCKED), List.of(refused.outcome(0), refused.outcome(1)));
        assertEquals(0L, refused.remaining(0), "alice was charged by the two admitted requests only: 1 left, 0 after");
    }

    /** A peek answers exactly what a check would, and the check that follows answers the same. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekAnswersWhatACheckWouldAndWritesNothing(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        exhaustBob(t);
        backend.evaluate(aliceAndBob(t).batch());
        List<Object> before = List.of(dump(algorithm, "rl:user:alice:60"), dump(algorithm, "rl:user:bob:60"));
        long at = t + 7 * SECOND;
        TestRequest peek = aliceAndBob(at).permits(1).operation(Operation.PEEK);
        backend.evaluate(peek.batch());
        assertEquals(before, List.of(dump(algorithm, "rl:user:alice:60"), dump(algorithm, "rl:user:bob:60")));
        TestRequest check = aliceAndBob(at).permits(1);
        backend.evaluate(check.batch());
        assertEquals(check.answers(), peek.answers());
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void peekOfANewKeyCreatesNothing(Algorithm algorithm) {
        backend = connect(algorithm);
        TestRequest peek = TestRequest.at(base()).operation(Operation.PEEK).permits(2).preset("user", "carol", 3, 60);
        backend.evaluate(peek.batch());
        assertEquals(List.of(Outcome.ALLOWED, 1L), List.of(peek.outcome(0), peek.remaining(0)));
        assertEquals(0L, cli.integer("DBSIZE"));
    }

    /** An all-or-nothing peek answers what an all-or-nothing check would, and the refused check charged nothing. */
    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void allOrNothingPeekAnswersWhatAnAllOrNothingCheckWould(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        exhaustBob(t);
        TestRequest peek = aliceAndBob(t).allOrNothingOn().operation(Operation.PEEK);
        backend.evaluate(peek.batch());
        TestRequest check = aliceAndBob(t).allOrNothingOn();
        backend.evaluate(check.batch());
        assertEquals(check.answers(), peek.answers());
        assertEquals(2L, peek.remaining(0));
        TestRequest aliceAlone = TestRequest.at(t).operation(Operation.PEEK).preset("user", "alice", 3, 60);
        backend.evaluate(aliceAlone.batch());
        assertEquals(2L, aliceAlone.remaining(0), "alice was charged by neither");
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void resetForgetsEveryKeyOfTheRequestAndAnswersTheWholeCount(Algorithm algorithm) {
        backend = connect(algorithm);
        long t = base();
        exhaustBob(t);
        backend.evaluate(TestRequest.at(t).preset("user", "carol", 3, 60).batch());
        TestRequest reset = aliceAndBob(t).operation(Operation.RESET);
        backend.evaluate(reset.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED), List.of(reset.outcome(0), reset.outcome(1)));
        assertEquals(List.of(3L, 2L, 0L, 0L), List.of(reset.remaining(0), reset.remaining(1), reset.resetAfterNanos(0),
                reset.resetAfterNanos(1)));
        assertEquals(new TreeSet<>(List.of("rl:user:carol:60")), keys());
        TestRequest after = aliceAndBob(t);
        backend.evaluate(after.batch());
        assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED), List.of(after.outcome(0), after.outcome(1)));
    }

    /** Concurrent requests share calls: checks, peeks and resets each keep their own operation in a shared call. */
    @Test
    void everyOperationKeepsItsOwnMeaningInACoalescedCall() throws Exception {
        backend = connect(Algorithm.FIXED_WINDOW);
        long t = base();
        List<TestRequest> requests = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Batch>> answers = new ArrayList<>();
        // More than the calls that may be in flight, so that the later requests queue and go out together.
        for (int i = 0; i < 4 * Coalescer.MAX_IN_FLIGHT; i++) {
            TestRequest r = switch (i % 4) {
                case 0 -> TestRequest.at(t).preset("user", "u" + i, 5, 60).permits(2);
                case 1 -> TestRequest.at(t).preset("user", "u" + i, 5, 60).operation(Operation.PEEK);
                case 2 -> TestRequest.at(t).preset("user", "u" + i, 5, 60).operation(Operation.RESET);
                default -> TestRequest.at(t).preset("user", "u" + i, 5, 60).preset("tool", "t" + i, 1, 1)
                        .permits(2).allOrNothingOn();
            };
            requests.add(r);
            answers.add(backend.evaluateAsync(r.batch()));
        }
        for (var a : answers) {
            a.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        for (int i = 0; i < requests.size(); i++) {
            TestRequest r = requests.get(i);
            String expected = switch (i % 4) {
                case 0 -> "ALLOWED remaining=3 reset=" + 60 * SECOND + " retry=0";
                case 1 -> "ALLOWED remaining=4 reset=" + 60 * SECOND + " retry=0";
                case 2 -> "ALLOWED remaining=5 reset=0 retry=0";
                default -> "ALLOWED remaining=3 reset=" + 60 * SECOND + " retry=0; BLOCKED remaining=0 reset=" + SECOND
                        + " retry=" + SECOND;
            };
            assertEquals(expected, r.answers(), "request " + i);
        }
        TreeSet<String> keys = keys();
        assertEquals(Coalescer.MAX_IN_FLIGHT, keys.size(), "only the plain checks wrote: " + keys);
    }

    /** Bob has used 2 of his 2 per minute. */
    private void exhaustBob(long t) {
        backend.evaluate(TestRequest.at(t).permits(2).preset("user", "bob", 2, 60).batch());
    }

    /** Alice has 3 per minute, Bob 2; the request takes one permit of each. */
    private static TestRequest aliceAndBob(long t) {
        return TestRequest.at(t).preset("user", "alice", 3, 60).preset("user", "bob", 2, 60);
    }

    private static Object dump(Algorithm algorithm, String key) {
        return switch (algorithm) {
            case FIXED_WINDOW -> List.of(String.valueOf(cli.call("GET", key)), cli.integer("PTTL", key) > 0);
            case SLIDING_WINDOW -> cli.list("ZRANGE", key, "0", "-1", "WITHSCORES");
            case TOKEN_BUCKET -> cli.list("HGETALL", key);
        };
    }

    private static TreeSet<String> keys() {
        TreeSet<String> keys = new TreeSet<>();
        for (Object k : cli.list("KEYS", "*")) {
            keys.add((String) k);
        }
        return keys;
    }

    /** @return the script commands clients sent since the last {@code CONFIG RESETSTAT} */
    private static Map<String, Long> scriptCalls() {
        Map<String, Long> calls = new java.util.TreeMap<>(LocalRedis.commandCalls(cli));
        calls.keySet().retainAll(List.of("eval", "evalsha"));
        return calls;
    }
}
