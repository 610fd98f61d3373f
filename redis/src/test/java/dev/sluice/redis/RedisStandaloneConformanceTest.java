package dev.sluice.redis;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.testkit.BackendConformanceKit;
import java.util.List;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * The conformance kit against one standalone Redis, for every algorithm. Each scenario (a new instance of this
 * class) takes the next whole second as its base, so keys expire in real time no earlier than the scenario's
 * windows end; the scripts decide windows from the scenario's clock, which runs ahead of real time. Runs once
 * for every version {@link RedisServerBinary#versions()} finds.
 */
@EveryRedisVersion
class RedisStandaloneConformanceTest extends BackendConformanceKit {
    private static LocalRedis redis;

    /** The run's server; injected as a field so that the run's start-up method receives it too. */
    @Parameter
    RedisServerBinary server;

    private final long base = RedisTestConfigs.nextEpochSecond();

    @BeforeParameterizedClassInvocation
    static void startRedis(RedisServerBinary server) {
        redis = LocalRedis.start(server, List.of());
    }

    @AfterParameterizedClassInvocation
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected RateLimiter newLimiter(LimiterConfig config, Clock clock) {
        return RateLimiter.create(config, clock, RedisTestConfigs.backendFor(config, redis.url()));
    }

    @Override
    protected long baseEpochSeconds() {
        return base;
    }
}
