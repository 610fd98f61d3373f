package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The keys and values of behaviour section 5, read back with plain commands as the original system (or an
 * operator with redis-cli) reads them; and counters written the original's way are honoured.
 */
class RedisKeyFormatTest extends FlushedRedisTest {
    private static LimiterConfig.Builder config(Algorithm algorithm) {
        return LimiterConfig.builder().backend("redis").redisUrl(redis.url()).algorithm(algorithm)
                .byUser("30/m").byTenant("100/h").byTool("search", "10/s");
    }

    private static TreeSet<String> keys() {
        TreeSet<String> keys = new TreeSet<>();
        for (Object k : cli.list("KEYS", "*")) {
            keys.add((String) k);
        }
        return keys;
    }

    @Test
    void keysAreNamedPrefixDimensionValueWindowSeconds() {
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).build())) {
            assertTrue(limiter.check("alice@example.com", "acme", "search").allowed());
        }
        assertEquals(new TreeSet<>(List.of("rl:user:alice@example.com:60", "rl:tenant:acme:3600", "rl:tool:search:1")),
                keys());
    }

    @Test
    void tenantScopedKeysPutTheTenantAfterThePrefix() {
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).redisTenantScopedKeys(true).build())) {
            limiter.check("alice", "acme", "search");
            limiter.check("bob", null, "search");
        }
        assertEquals(new TreeSet<>(List.of("rl:acme:user:alice:60", "rl:acme:tenant:acme:3600", "rl:acme:tool:search:1",
                "rl:user:bob:60", "rl:tool:search:1")), keys());
    }

    /**
     * The user {@code q} of the tenant {@code p:user:q:tenant:p} once wrote the tenant key of the tenant
     * {@code p:user:q}, so that tenant's first request was refused.
     */
    @Test
    void tenantScopedKeysOfOneTenantNeverChargeAnotherTenant() {
        try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                .byUser("1/m").byTenant("1/m").redisTenantScopedKeys(true).build())) {
            assertTrue(limiter.check("q", "p:user:q:tenant:p", null).allowed());
            assertTrue(limiter.check("r", "p:user:q", null).allowed());
        }
        assertEquals(new TreeSet<>(List.of("rl:p_user_q_tenant_p:user:q:60", "rl:p_user_q_tenant_p:tenant:p_user_q_tenant_p:60",
                "rl:p_user_q:user:r:60", "rl:p_user_q:tenant:p_user_q:60")), keys());
    }

    /** Behaviour section 5: a huge identity gets a short key and exactly the decisions of a short one. */
    @Test
    void tenMegabyteUserIsLimitedLikeAShortOneUnderAShortKey() {
        String huge = "u".repeat(10 << 20);
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.SLIDING_WINDOW).build())) {
            for (int i = 0; i < 32; i++) {
                Decision shortId = limiter.check("bob", null, null);
                Decision hugeId = limiter.check(huge, null, null);
                assertEquals(List.of(shortId.allowed(), shortId.remaining()), List.of(hugeId.allowed(), hugeId.remaining()),
                        "request " + i);
            }
        }
        TreeSet<String> keys = keys();
        assertEquals(2, keys.size(), keys::toString);
        assertTrue(keys.contains("rl:user:bob:60"), keys::toString);
        String hugeKey = keys.first().equals("rl:user:bob:60") ? keys.last() : keys.first();
        assertTrue(hugeKey.matches("rl:user:sha256:[0-9a-f]{64}:60"), hugeKey);
        assertEquals(30L, cli.integer("ZCARD", hugeKey));
    }

    @Test
    void userAtTheIdentityBoundKeepsThePlainKey() {
        String atBound = "v".repeat(RedisKeys.MAX_IDENTITY_BYTES);
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).build())) {
            limiter.check(atBound, null, null);
        }
        assertEquals("1", cli.string("GET", "rl:user:" + atBound + ":60"));
    }

    @Test
    void prefixIsTheConfiguredOne() {
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).redisKeyPrefix("gw").build())) {
            limiter.check("alice", null, null);
        }
        assertEquals(new TreeSet<>(List.of("gw:user:alice:60")), keys());
    }

    @Test
    void fixedWindowIsAStringCountWithTheWindowAsExpiry() {
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).build())) {
            limiter.check("alice", "acme", "search");
            limiter.check("alice", "acme", null);
        }
        assertEquals("string", cli.string("TYPE", "rl:user:alice:60"));
        assertEquals("2", cli.string("GET", "rl:user:alice:60"));
        assertEquals("1", cli.string("GET", "rl:tool:search:1"));
        assertTtlWithin("rl:user:alice:60", 59_000, 60_000);
        assertTtlWithin("rl:tenant:acme:3600", 3_599_000, 3_600_000);
        assertTtlWithin("rl:tool:search:1", 1, 1_000);
    }

    @Test
    void slidingWindowIsASortedSetOfUniqueMembersScoredInSeconds() {
        long beforeMicros = System.currentTimeMillis() * 1000;
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.SLIDING_WINDOW).build());
                RateLimiter other = RateLimiter.create(config(Algorithm.SLIDING_WINDOW).build())) {
            limiter.check("alice", null, null);
            other.check("alice", null, null);
            limiter.check("alice", null, null);
        }
        long afterMicros = System.currentTimeMillis() * 1000;
        assertEquals("zset", cli.string("TYPE", "rl:user:alice:60"));
        List<Object> withScores = cli.list("ZRANGE", "rl:user:alice:60", "0", "-1", "WITHSCORES");
        assertEquals(6, withScores.size(), "three admitted requests, three distinct members: " + withScores);
        for (int i = 1; i < withScores.size(); i += 2) {
            String score = (String) withScores.get(i);
            assertTrue(score.contains("."), "fractional seconds: " + score);
            long micros = Math.round(Double.parseDouble(score) * 1e6);
            assertTrue(micros >= beforeMicros - 1000 && micros <= afterMicros + 1000, "score " + score);
        }
        assertTtlWithin("rl:user:alice:60", 60_000, 61_000);
    }

    /**
     * Written as of the whole second at or before the request: 29 tokens at {@code S + 0.25} are 28.875 at
     * {@code S} (30 per minute refill 0.5 per second), the same bucket to every reader from {@code S + 0.25} on.
     */
    @Test
    void tokenBucketIsAHashOfFloatTokensAndLastRefillSeconds() {
        long second = System.currentTimeMillis() / 1000;
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.TOKEN_BUCKET).build())) {
            assertEquals(29, limiter.check("alice", null, null, second * 1_000_000_000L + 250_000_000L).remaining());
        }
        assertEquals("hash", cli.string("TYPE", "rl:user:alice:60"));
        assertEquals(Map.of("tokens", "28.875", "last_refill", second + ".000000"), hash("rl:user:alice:60"));
        // One token of 30 per minute refills in 2 s; expiry = time to full + 1 s.
        assertTtlWithin("rl:user:alice:60", 2_000, 3_000);
    }

    @Test
    void fixedWindowHonoursACountTheOriginalWrote() {
        cli.call("SET", "rl:user:carol:60", "30", "EX", "60");
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.FIXED_WINDOW).build())) {
            Decision d = limiter.check("carol", null, null);
            assertFalse(d.allowed());
            assertTrue(d.retryAfterSeconds() >= 59 && d.retryAfterSeconds() <= 60, d.toString());
        }
        assertEquals("30", cli.string("GET", "rl:user:carol:60"));
    }

    @Test
    void slidingWindowHonoursRequestsTheOriginalLogged() {
        double now = System.currentTimeMillis() / 1000.0;
        for (int i = 0; i < 30; i++) {
            cli.call("ZADD", "rl:user:carol:60", Double.toString(now - 10 + i * 0.01), "original-" + i);
        }
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.SLIDING_WINDOW).build())) {
            Decision d = limiter.check("carol", null, null);
            assertFalse(d.allowed());
            assertEquals(50, d.retryAfterSeconds(), d.toString());
        }
    }

    @Test
    void tokenBucketHonoursABucketTheOriginalDrained() {
        double now = System.currentTimeMillis() / 1000.0;
        cli.call("HSET", "rl:user:carol:60", "tokens", "0.25", "last_refill", Double.toString(now));
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.TOKEN_BUCKET).build())) {
            Decision d = limiter.check("carol", null, null);
            assertFalse(d.allowed());
            // 0.75 of a token at 0.5 per second: 1.5 s, rounded up.
            assertEquals(2, d.retryAfterSeconds(), d.toString());
        }
    }

    /** A refused check writes nothing: the original's hash and its expiry are left exactly as they were. */
    @Test
    void tokenBucketRefusedCheckLeavesTheHashAndExpiryUntouched() {
        double now = System.currentTimeMillis() / 1000.0;
        String last = String.format(java.util.Locale.ROOT, "%.6f", now);
        cli.call("HSET", "rl:user:dave:60", "tokens", "0.25", "last_refill", last);
        cli.call("PEXPIRE", "rl:user:dave:60", "45000");
        try (RateLimiter limiter = RateLimiter.create(config(Algorithm.TOKEN_BUCKET).build())) {
            assertFalse(limiter.check("dave", null, null).allowed());
            assertFalse(limiter.check("dave", null, null).allowed());
        }
        assertEquals(Map.of("tokens", "0.25", "last_refill", last), hash("rl:user:dave:60"));
        assertTtlWithin("rl:user:dave:60", 44_000, 45_000);
    }

    private static Map<String, String> hash(String key) {
        List<Object> flat = cli.list("HGETALL", key);
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return out;
    }

    private static void assertTtlWithin(String key, long minMillis, long maxMillis) {
        long pttl = cli.integer("PTTL", key);
        assertTrue(pttl >= minMillis - 1_000 && pttl <= maxMillis, key + " PTTL " + pttl + " outside ("
                + minMillis + " - 1 s, " + maxMillis + "]");
    }
}
