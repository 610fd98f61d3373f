package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Dimension;
import dev.sluice.FailMode;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Every way Redis can fail a check: each ends in the configured fail mode, never in an exception to the
 * caller, within the command timeout; and the backend recovers without restarting the limiter. No test here
 * measures time: a check bounded by the command timeout is told by the exception that ended it, or by the
 * backend's {@code timeouts} counter.
 */
class RedisFailureTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

    /**
     * Tests that are not about timeouts give Redis ample time to answer, so that a stalled test JVM or server (a
     * busy machine) cannot turn a reply into a failure.
     */
    private static final Duration AMPLE_TIMEOUT = Duration.ofSeconds(10);

    private static LimiterConfig config(String url, FailMode failMode) {
        return config(url, failMode, AMPLE_TIMEOUT);
    }

    private static LimiterConfig config(String url, FailMode failMode, Duration commandTimeout) {
        return LimiterConfig.builder().backend("redis").redisUrl(url).byUser("5/m").failMode(failMode)
                .redisCommandTimeout(commandTimeout).build();
    }

    @Test
    void redisStoppedMidRunFailsOpenAndRecoversWhenItReturnsOnTheSamePort() {
        try (LocalRedis redis = LocalRedis.start();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), FailMode.OPEN))) {
            assertEquals(Outcome.ALLOWED, limiter.check("alice", null, null).status());
            redis.stop();
            for (int i = 0; i < 5; i++) {
                Decision d = limiter.check("alice", null, null);
                assertEquals(Outcome.FAILED_OPEN, d.status());
                assertTrue(d.allowed());
            }
            assertEquals(5, limiter.stats().failedOpen());
            redis.restart();
            Decision recovered = awaitLimited(limiter);
            // The restarted Redis is empty: the counter starts again, and the script is loaded again.
            assertEquals(Outcome.ALLOWED, recovered.status());
            assertEquals(4, recovered.remaining());
            assertTrue(limiter.stats().backend().get("script_reloads") >= 1, limiter.stats().toString());
        }
    }

    @Test
    void scriptFlushMidRunIsAnsweredWithEvalWithoutAFailure() {
        try (LocalRedis redis = LocalRedis.start();
                RespClient cli = redis.client();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), FailMode.CLOSED))) {
            assertEquals(4, limiter.check("alice", null, null).remaining());
            assertEquals("OK", cli.call("SCRIPT", "FLUSH"));
            assertEquals(3, limiter.check("alice", null, null).remaining());
            assertEquals(2, limiter.check("alice", null, null).remaining());
            Map<String, Long> stats = limiter.stats().backend();
            assertEquals(1, stats.get("script_reloads"), stats.toString());
            assertEquals(0, limiter.stats().backendFailures());
            Map<String, Long> calls = LocalRedis.commandCalls(cli);
            assertEquals(1L, calls.get("eval"), calls.toString());
        }
    }

    @Test
    void serverThatAcceptsAndNeverAnswersFailsEveryCheckThroughTheCommandTimeout() throws Exception {
        try (FakeRedisServer silent = FakeRedisServer.silent();
                RedisBackend backend = RedisBackend.create(config(silent.url(), FailMode.OPEN, COMMAND_TIMEOUT))) {
            // A check either waits for the pending connection attempt until its own timeout, or finds that the
            // attempt failed, because the connection's set-up ran out of the same timeout: a timeout either way.
            for (int i = 0; i < 3; i++) {
                assertEndedByATimeout(assertThrows(BackendException.class, () -> backend.evaluate(aliceBatch())));
            }
            // A guard against a hang, 100 times the bound; the bound itself shows in the exception.
            ExecutionException async = assertThrows(ExecutionException.class, () -> backend.evaluateAsync(aliceBatch())
                    .get(100 * COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEndedByATimeout(async.getCause());
            assertEquals(4, backend.stats().get("failures"));
        }
    }

    @Test
    void serverThatAcceptsAndNeverAnswersMakesTheLimiterFailOpen() throws Exception {
        try (FakeRedisServer silent = FakeRedisServer.silent();
                RateLimiter limiter = RateLimiter.create(config(silent.url(), FailMode.OPEN, COMMAND_TIMEOUT))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Outcome.FAILED_OPEN, limiter.check("alice", null, null).status());
            }
            Decision async = limiter.checkAsync("alice", null, null).toCompletableFuture()
                    .get(100 * COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(Outcome.FAILED_OPEN, async.status());
            assertEquals(4, limiter.stats().failedOpen());
            assertEquals(4, limiter.stats().backend().get("failures"));
        }
    }

    @Test
    void redisThatStopsAnsweringOnAnOpenConnectionEndsEveryCheckWithTheCommandTimeout() throws Exception {
        try (LocalRedis redis = LocalRedis.start();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), FailMode.OPEN, COMMAND_TIMEOUT))) {
            assertTrue(awaitLimited(limiter).limited(), "the connection is open and Redis answers");
            Map<String, Long> before = limiter.stats().backend();
            redis.suspend();
            try {
                for (int i = 0; i < 3; i++) {
                    assertEquals(Outcome.FAILED_OPEN, limiter.check("alice", null, null).status());
                }
                Decision async = limiter.checkAsync("alice", null, null).toCompletableFuture()
                        .get(100 * COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(Outcome.FAILED_OPEN, async.status());
                Map<String, Long> after = limiter.stats().backend();
                // Every one of the four ended because its command timeout ran out (the backend counts those as
                // timeouts), not because the connection failed or a reply came.
                assertEquals(4, after.get("failures") - before.get("failures"), after.toString());
                assertEquals(4, after.get("timeouts") - before.get("timeouts"), after.toString());
            } finally {
                redis.resume();
            }
            assertTrue(awaitLimited(limiter).limited());
        }
    }

    @Test
    void scriptReplyOfTheWrongShapeIsAFailureNotADecision() throws Exception {
        // Every script call gets a two-element array, one integer and one string: no key's four integers.
        try (FakeRedisServer garbage = FakeRedisServer.answering(command -> switch (command.get(0).toUpperCase()) {
                    case "EVALSHA", "EVAL" -> "*2\r\n:1\r\n$3\r\nabc\r\n";
                    case "SCRIPT" -> "$40\r\n" + "0".repeat(40) + "\r\n";
                    default -> "+OK\r\n";
                });
                RateLimiter limiter = RateLimiter.create(config(garbage.url(), FailMode.OPEN))) {
            Decision d = limiter.check("alice", null, null);
            assertEquals(Outcome.FAILED_OPEN, d.status());
            assertEquals(1, limiter.stats().failedOpen());
            assertEquals(1, limiter.stats().backend().get("failures"));
        }
    }

    @Test
    void replyOfTheWrongTypeIsAFailureNotADecision() throws Exception {
        try (FakeRedisServer garbage = FakeRedisServer.answering(command -> switch (command.get(0).toUpperCase()) {
                    case "EVALSHA", "EVAL" -> ":42\r\n";
                    default -> "+OK\r\n";
                });
                RateLimiter limiter = RateLimiter.create(config(garbage.url(), FailMode.CLOSED))) {
            Decision d = limiter.check("alice", null, null);
            assertEquals(Outcome.FAILED_CLOSED, d.status());
            assertFalse(d.allowed());
        }
    }

    @Test
    void keyOfAnotherTypeMakesTheScriptFailAndTheFailModeApply() {
        try (LocalRedis redis = LocalRedis.start();
                RespClient cli = redis.client();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), FailMode.OPEN))) {
            cli.call("HSET", "rl:user:alice:60", "tokens", "3");
            assertEquals(Outcome.FAILED_OPEN, limiter.check("alice", null, null).status());
            assertEquals(Outcome.ALLOWED, limiter.check("bob", null, null).status());
        }
    }

    @Test
    void failClosedRefusesWith503AndRetryAfterOne() {
        try (LocalRedis redis = LocalRedis.start();
                RateLimiter limiter = RateLimiter.create(config(redis.url(), FailMode.CLOSED))) {
            redis.stop();
            Decision d = limiter.check("alice", "acme", null);
            assertEquals(Outcome.FAILED_CLOSED, d.status());
            assertFalse(d.allowed());
            assertEquals(503, d.httpStatus());
            assertEquals("BACKEND_UNAVAILABLE", d.errorCode());
            assertEquals(List.of(Map.entry("Retry-After", "1")), List.copyOf(d.headers().entrySet()));
            assertEquals(1, limiter.stats().failedClosed());
        }
    }

    @Test
    void redisDownAtStartupFailsOpenAndConnectsLater() {
        int port = LocalRedis.freePort(false);
        try (RateLimiter limiter = RateLimiter.create(config("redis://127.0.0.1:" + port, FailMode.OPEN))) {
            assertEquals(Outcome.FAILED_OPEN, limiter.check("alice", null, null).status());
            try (LocalRedis redis = LocalRedis.startOnPort(port, List.of())) {
                assertEquals(Outcome.ALLOWED, awaitLimited(limiter).status());
            }
        }
    }

    /** A check's failure came from a timeout: its own, or that of the connection's set-up. */
    private static void assertEndedByATimeout(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof RedisCommandTimeoutException) {
                return;
            }
        }
        throw new AssertionError("not ended by a timeout", failure);
    }

    private static Batch aliceBatch() {
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        return new Batch().begin(null, nowNanos, nowNanos).add("user", "alice", 5, 60);
    }

    /** Checks until Redis answers again; fails after a generous bound instead of hanging. */
    private static Decision awaitLimited(RateLimiter limiter) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Decision d = limiter.check("alice-recovery", null, null);
            if (d.limited()) {
                return limiter.check("alice", null, null);
            }
            LocalRedis.sleep(100);
        }
        throw new AssertionError("the backend did not recover within 20 s: " + limiter.stats());
    }
}
