/**
 * Redis servers of a test's own, and a client to administer them: {@link dev.sluice.redis.testing.LocalRedis}
 * (one {@code redis-server} on a free loopback port, or a Sentinel), {@link dev.sluice.redis.testing.LocalRedisCluster}
 * (three masters), {@link dev.sluice.redis.testing.LocalRedisSentinel} (a master, a replica and Sentinels),
 * {@link dev.sluice.redis.testing.RedisServerBinary} (which {@code redis-server} they run: from {@code PATH}, else the
 * embedded Redis 6.2, or the one {@code -Dsluice.redis.server} names) and {@link dev.sluice.redis.testing.RespClient}
 * (plain RESP2, independent of Lettuce). Every server is stopped by its process id, never by name.
 *
 * <p>The Redis tests use this package, and so does the Redis benchmark in {@code bench}: it is published as the
 * {@code sluice-redis} test-jar, which holds this package and nothing else (its own tests left out), and
 * {@code bench/target/sluice.jar} includes it.
 */
package dev.sluice.redis.testing;
