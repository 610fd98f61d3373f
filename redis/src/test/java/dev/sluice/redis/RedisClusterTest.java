package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.LocalRedisCluster;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour that only a Redis Cluster shows: a request whose keys live on different masters. */
class RedisClusterTest {
    private static final int CHECKS = 200;
    /** Calls are counted here, not timed: a busy machine must not turn a slow reply into a failure. */
    private static final Duration RELAXED_TIMEOUT = Duration.ofSeconds(10);
    private static LocalRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start();
    }

    @AfterAll
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

    @Test
    void everyCheckIsAtMostOneScriptCallPerSlotItsKeysHashTo() {
        LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(cluster.url())
                .algorithm(Algorithm.SLIDING_WINDOW).byUser("50/m").byTenant("100/m").byTool("search", "20/s")
                .redisCommandTimeout(RELAXED_TIMEOUT).build();
        RedisKeys keys = new RedisKeys("rl", false);
        try (RateLimiter limiter = RateLimiter.create(config)) {
            limiter.check("warm-up", null, null);
            for (LocalRedis node : cluster.nodes()) {
                try (RespClient cli = node.client()) {
                    cli.call("CONFIG", "RESETSTAT");
                }
            }
            long expected = 0;
            for (int i = 0; i < CHECKS; i++) {
                String user = "user-" + (i % 7);
                String tenant = i % 3 == 0 ? null : "acme";
                String tool = i % 2 == 0 ? "search" : null;
                Set<Integer> slots = new HashSet<>();
                slots.add(SlotHash.getSlot(keys.key(tenant, Dimension.USER, user, 60)));
                if (tenant != null) {
                    slots.add(SlotHash.getSlot(keys.key(tenant, Dimension.TENANT, tenant, 60)));
                }
                if (tool != null) {
                    slots.add(SlotHash.getSlot(keys.key(tenant, Dimension.TOOL, tool, 1)));
                }
                expected += slots.size();
                limiter.check(user, tenant, tool);
            }
            long scriptCalls = 0;
            for (LocalRedis node : cluster.nodes()) {
                try (RespClient cli = node.client()) {
                    Map<String, Long> calls = LocalRedis.commandCalls(cli);
                    scriptCalls += calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
                }
            }
            assertEquals(expected, scriptCalls, "one script call per distinct slot of each check");
            assertEquals(0, limiter.stats().backendFailures());
        }
    }

    @Test
    void requestWhoseKeysHashToThreeSlotsIsEvaluatedOnEveryDimension() {
        LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(cluster.url())
                .algorithm(Algorithm.FIXED_WINDOW).redisCommandTimeout(RELAXED_TIMEOUT).build();
        RedisKeys keys = new RedisKeys("rl", false);
        Set<Integer> slots = new HashSet<>();
        slots.add(SlotHash.getSlot(keys.key("acme", Dimension.USER, "alice", 60)));
        slots.add(SlotHash.getSlot(keys.key("acme", Dimension.TENANT, "acme", 60)));
        slots.add(SlotHash.getSlot(keys.key("acme", Dimension.TOOL, "search", 1)));
        assertEquals(3, slots.size(), "the keys must hash to three slots for this test to mean anything");
        try (RedisBackend backend = RedisBackend.create(config)) {
            Batch batch = new Batch();
            long now = System.currentTimeMillis() * 1_000_000L;
            batch.begin("acme", now, now).add("user", "alice", 2, 60)
                    .add("tenant", "acme", 5, 60).add("tool", "search", 1, 1);
            backend.evaluate(batch);
            assertEquals(Outcome.ALLOWED, batch.outcome(0));
            assertEquals(1, batch.remaining(0));
            assertEquals(4, batch.remaining(1));
            assertEquals(0, batch.remaining(2));
            assertEquals(3, backend.stats().get("script_calls"), "one script call per slot");
        }
    }
}
