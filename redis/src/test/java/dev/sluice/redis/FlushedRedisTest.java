package dev.sluice.redis;

import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RedisServerBinary;
import dev.sluice.redis.testing.RespClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * One redis-server for a test class, started before it, stopped after it, emptied before each test; the class
 * runs once for every version {@link RedisServerBinary#versions()} finds (the installed server and the
 * embedded 6.2), its tests named by the version.
 */
@EveryRedisVersion
abstract class FlushedRedisTest {
    static LocalRedis redis;
    static RespClient cli;

    /** The run's server; injected as a field so that the run's start-up method receives it too. */
    @Parameter
    RedisServerBinary server;

    @BeforeParameterizedClassInvocation
    static void startRedis(RedisServerBinary server) {
        redis = LocalRedis.start(server, List.of());
        cli = redis.client();
    }

    @AfterParameterizedClassInvocation
    static void stopRedis() {
        cli.close();
        redis.close();
    }

    @BeforeEach
    void flush() {
        cli.call("FLUSHALL");
    }
}
