package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import dev.sluice.spi.Backend;

/** Builds Redis backends for configurations written without Redis settings (the conformance kit's). */
final class RedisTestConfigs {

    private RedisTestConfigs() {
    }

    /** @return a Redis backend at {@code url} running {@code config}'s algorithm */
    static Backend backendFor(LimiterConfig config, String url) {
        return RedisBackend.create(LimiterConfig.builder()
                .algorithm(config.algorithm())
                .backend("redis")
                .redisUrl(url)
                .build());
    }

    /** @return the current Unix second plus one: a scenario base whose keys' real expiries lie ahead */
    static long nextEpochSecond() {
        return Math.floorDiv(System.currentTimeMillis(), 1000L) + 1;
    }
}
