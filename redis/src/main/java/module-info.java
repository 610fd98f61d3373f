/**
 * Sluice's Redis backend: limits shared by every limiter instance that points at the same Redis, standalone,
 * Sentinel or Cluster, with one round trip per request: one script call (per hash slot on a Cluster), which
 * concurrent requests share. Selected with {@code backend: redis}; see {@code docs/redis.md}.
 */
module dev.sluice.redis {
    requires transitive dev.sluice.engine;
    requires lettuce.core;
    requires io.netty.buffer;

    exports dev.sluice.redis;

    provides dev.sluice.spi.BackendProvider with dev.sluice.redis.RedisBackendProvider;
}
