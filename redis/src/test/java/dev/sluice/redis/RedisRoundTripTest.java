package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Counted with {@code INFO commandstats}: on standalone Redis a check from a lone caller is exactly one script
 * call. (Concurrent checks share calls, so there are then fewer calls than checks, each check still carried by
 * exactly one: {@code RedisCoalescingTest}.) The commands a script runs inside Redis appear in commandstats too;
 * they cost no round trip and are left out of the count.
 */
class RedisRoundTripTest {
    private static final int CHECKS = 200;
    /** What Sluice's scripts call inside Redis. */
    static final Set<String> CALLED_BY_SCRIPTS = Set.of("get", "set", "incr", "incrby", "decrby", "del", "pexpiretime",
            "pttl", "time", "zcount", "zadd", "zremrangebyscore", "zrange", "zrangebyscore", "zrem", "pexpire", "pexpireat",
            "hmget", "hset");

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyCheckIsExactlyOneScriptCallWhateverItsDimensions(Algorithm algorithm) {
        try (LocalRedis redis = LocalRedis.start();
                RespClient cli = redis.client();
                RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                        .algorithm(algorithm).byUser("50/m").byTenant("100/m").byTool("search", "20/s").build())) {
            limiter.check("warm-up", null, null);
            cli.call("CONFIG", "RESETSTAT");
            for (int i = 0; i < CHECKS; i++) {
                limiter.check("user-" + (i % 7), i % 3 == 0 ? null : "acme", i % 2 == 0 ? "search" : null);
            }
            Map<String, Long> calls = LocalRedis.commandCalls(cli);
            calls.keySet().removeIf(c -> c.startsWith("config") || c.equals("info") || CALLED_BY_SCRIPTS.contains(c));
            assertEquals(Map.of("evalsha", (long) CHECKS), calls, "commands clients sent for " + CHECKS + " checks");
            assertEquals(CHECKS + 1, limiter.stats().backend().get("script_calls"));
            assertEquals(CHECKS + 1, limiter.stats().backend().get("script_call_checks"), "each check carried once");
        }
    }
}
