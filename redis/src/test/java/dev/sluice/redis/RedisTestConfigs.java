package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import dev.sluice.spi.Backend;
import java.time.Duration;

/** Builds Redis backends for configurations written without Redis settings (the conformance kit's). */
final class RedisTestConfigs {

    private RedisTestConfigs() {
    }

    /**
     * A scenario checks decisions, not latency: a generous command timeout keeps a slow reply on a busy machine
     * (two cores, builds running side by side) from turning into a failed-open decision.
     */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    /** @return a Redis backend at {@code url} running {@code config}'s algorithm */
    static Backend backendFor(LimiterConfig config, String url) {
        return RedisBackend.create(LimiterConfig.builder()
                .algorithm(config.algorithm())
                .backend("redis")
                .redisUrl(url)
                .redisCommandTimeout(COMMAND_TIMEOUT)
                .build());
    }

    /** @return the current Unix second plus one: a scenario base whose keys' real expiries lie ahead */
    static long nextEpochSecond() {
        return Math.floorDiv(System.currentTimeMillis(), 1000L) + 1;
    }
}
