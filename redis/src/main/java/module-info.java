/**
 * Sluice's Redis backend: limits shared by every limiter instance that points at the same Redis, standalone,
 * Sentinel or Cluster, with one script call per request (per hash slot on a Cluster). Selected with
 * {@code backend: redis}; see {@code docs/redis.md}.
 */
module dev.sluice.redis {
    requires transitive dev.sluice.engine;
    requires lettuce.core;

    exports dev.sluice.redis;

    provides dev.sluice.spi.BackendProvider with dev.sluice.redis.RedisBackendProvider;
}
