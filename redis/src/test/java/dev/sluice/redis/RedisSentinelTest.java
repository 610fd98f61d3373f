package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Decision;
import dev.sluice.FailMode;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.LocalRedisSentinel;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.Outcome;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * A limiter configured with a {@code redis-sentinel://} URL finds the master through the Sentinels and limits
 * there; after the master dies and the Sentinels promote the replica it limits on the new master, with the
 * counts the replica had copied; a Sentinel that never answers is passed over. Against real Sentinels (the
 * server in sentinel mode) of every version {@link RedisServerBinary#versions()} finds.
 */
@EveryRedisVersion
class RedisSentinelTest {
    /** Checks one after the other until the limiter answers from Redis again; 200 ms apart, so about 30 s. */
    private static final int RECOVERY_CHECKS = 150;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    @Parameter
    RedisServerBinary server;

    private static LimiterConfig config(String url) {
        return LimiterConfig.builder().backend("redis").redisUrl(url).byUser("3/h").failMode(FailMode.OPEN)
                .redisCommandTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void limitsOnTheMasterTheSentinelsNameAndOnThePromotedReplicaAfterTheMasterIsKilled() {
        // One Sentinel: its failover needs no agreement with others, so it follows the master's death within a
        // few seconds. The test below lists several Sentinels in the URL.
        try (LocalRedisSentinel set = LocalRedisSentinel.start(server, 1);
                RateLimiter limiter = RateLimiter.create(config(set.url()))) {
            for (int remaining = 2; remaining >= 0; remaining--) {
                Decision d = limiter.check("alice", null, null);
                assertEquals(Outcome.ALLOWED, d.status(), set::describe);
                assertEquals(remaining, d.remaining());
            }
            assertEquals(Outcome.BLOCKED, limiter.check("alice", null, null).status());
            try (RespClient master = set.master().client()) {
                assertEquals("3", master.call("GET", "rl:user:alice:3600"));
                // The replica has acknowledged every write so far: alice's count survives the failover.
                assertEquals(1L, master.call("WAIT", "1", "10000"));
            }

            set.master().stop();
            set.awaitMasterIs(set.replica());
            Decision recovered = awaitLimited(limiter, set);

            assertEquals(Outcome.ALLOWED, recovered.status());
            assertEquals(2, recovered.remaining());
            assertEquals(Outcome.BLOCKED, limiter.check("alice", null, null).status(),
                    "alice's count came from the old master through replication");
            try (RespClient promoted = set.replica().client()) {
                assertEquals("master", promoted.list("ROLE").get(0));
                assertEquals("1", promoted.call("GET", "rl:user:bob:3600"));
            }
        }
    }

    @Test
    void sentinelThatAcceptsConnectionsAndNeverAnswersIsPassedOverForTheNextOne() throws Exception {
        try (LocalRedisSentinel set = LocalRedisSentinel.start(server, 2)) {
            set.sentinels().get(0).suspend();
            try (RedisLink link = RedisLink.open(set.url(), true, Duration.ofSeconds(2), COMMAND_TIMEOUT, "return 1")) {
                // The first Sentinel costs one command timeout, then the second names the master. (Were the
                // Sentinels' own timeouts Lettuce's default of a minute, this attempt would still be waiting.)
                link.awaitFirstConnection(Duration.ofSeconds(20));
                assertEquals(Future.State.SUCCESS, link.connected().state(), set::describe);
                RedisLink.Connected connected = link.connected().resultNow();
                assertFalse(link.cluster(), "a Sentinel URL's commas separate Sentinels, not Cluster seeds");
                String info = (String) assertInstanceOf(RedisServerAsyncCommands.class, connected.commands())
                        .info("server").get(10, TimeUnit.SECONDS);
                assertTrue(info.contains("tcp_port:" + set.master().port() + "\r\n"), info);
            } finally {
                set.sentinels().get(0).resume();
            }
        }
    }

    /** Checks bob until a decision comes from Redis, at most {@value #RECOVERY_CHECKS} times. */
    private static Decision awaitLimited(RateLimiter limiter, LocalRedisSentinel set) {
        for (int i = 0; i < RECOVERY_CHECKS; i++) {
            Decision d = limiter.check("bob", null, null);
            if (d.limited()) {
                return d;
            }
            LocalRedis.sleep(200);
        }
        throw new AssertionError("no decision from Redis after " + RECOVERY_CHECKS + " checks: " + limiter.stats()
                + "\n" + set.describe());
    }
}
