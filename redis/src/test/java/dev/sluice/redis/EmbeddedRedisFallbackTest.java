package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedisCluster;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A machine with a JDK and nothing else: no {@code redis-server}, no {@code redis-cli}. The surefire execution
 * {@code no-redis-on-path} of {@code redis/pom.xml} runs this class alone, in a JVM whose {@code PATH} holds
 * only the JDK's programs (and which it tells so with {@value #PROPERTY}); the tests then start the embedded
 * Redis 6.2 and form a Cluster with plain commands.
 */
@EnabledIfSystemProperty(named = EmbeddedRedisFallbackTest.PROPERTY, matches = "true")
class EmbeddedRedisFallbackTest {
    static final String PROPERTY = "sluice.redis.noRedisOnPath";

    /** Decisions are checked here, not latency: a busy machine must not turn a slow first reply into a failure. */
    private static final Duration RELAXED_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void pathHoldsNoRedisProgram() {
        String path = System.getenv("PATH");
        for (String program : List.of("redis-server", "redis-cli", "redis-sentinel")) {
            assertNull(RedisServerBinary.onPath(program, path), program + " on PATH=" + path);
        }
    }

    @Test
    void testsFallBackToTheEmbeddedServer() {
        assertEquals("embedded", RedisServerBinary.defaultServer().source());
        assertEquals(List.of(RedisServerBinary.embedded()), RedisServerBinary.versions());
        assertEquals("6.2", RedisServerBinary.defaultServer().majorMinor());
    }

    @Test
    void clusterFormsWithoutRedisCliAndALimiterLimitsThroughIt() {
        try (LocalRedisCluster cluster = LocalRedisCluster.start()) {
            LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(cluster.url())
                    .algorithm(Algorithm.SLIDING_WINDOW).byUser("2/m").byTenant("100/m").byTool("search", "10/s")
                    .redisCommandTimeout(RELAXED_TIMEOUT).build();
            try (RateLimiter limiter = RateLimiter.create(config)) {
                assertEquals(1, limiter.check("alice", "acme", "search").remaining());
                assertEquals(0, limiter.check("alice", "acme", "search").remaining());
                assertEquals(Outcome.BLOCKED, limiter.check("alice", "acme", "search").status());
                assertEquals(0, limiter.stats().backendFailures());
            }
        }
    }
}
