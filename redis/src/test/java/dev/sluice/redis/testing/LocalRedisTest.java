package dev.sluice.redis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Redis benchmark reads from its server through {@link LocalRedis}, and how the server ends. */
class LocalRedisTest {

    @Test
    void commandCallsCountEachCommandSent() {
        try (LocalRedis redis = LocalRedis.start(); RespClient c = redis.client()) {
            for (int i = 0; i < 3; i++) {
                c.call("SET", "k" + i, "v");
            }
            c.call("GET", "k0");
            Map<String, Long> calls = redis.commandCalls();
            assertEquals(3L, calls.get("set"), calls::toString);
            assertEquals(1L, calls.get("get"), calls::toString);
        }
    }

    @Test
    void commandMicrosNameTheCommandsSent() {
        try (LocalRedis redis = LocalRedis.start(); RespClient c = redis.client()) {
            c.call("SET", "k", "v");
            Map<String, Long> micros = redis.commandMicros();
            assertTrue(micros.containsKey("set"), micros::toString);
        }
    }

    @Test
    void cpuMicrosReadTheServersCpuTime() {
        try (LocalRedis redis = LocalRedis.start(); RespClient c = redis.client()) {
            for (int i = 0; i < 1_000; i++) {
                c.call("INCR", "n");
            }
            assertTrue(redis.cpuMicros() > 0);
        }
    }

    @Test
    void closeEndsTheServersProcess() {
        long pid;
        try (LocalRedis redis = LocalRedis.start()) {
            pid = redis.pid();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs");
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
    }
}
