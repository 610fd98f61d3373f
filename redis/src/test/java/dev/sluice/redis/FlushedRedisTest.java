package dev.sluice.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One redis-server for a test class, started before it, stopped after it, emptied before each test. */
abstract class FlushedRedisTest {
    static LocalRedis redis;
    static RespClient cli;

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
    void flush() {
        cli.call("FLUSHALL");
    }
}
