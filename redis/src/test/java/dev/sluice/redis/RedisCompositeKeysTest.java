package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sluice.Dimension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys of custom limits, one attribute or several, as {@link RedisKeys} builds them, without a server. */
class RedisCompositeKeysTest {
    private static final RedisKeys PLAIN = new RedisKeys("rl", false);
    private static final RedisKeys SCOPED = new RedisKeys("rl", true);

    @Test
    void oneAttributeLimitWritesItsNameAndTheValue() {
        assertEquals("rl:per_key:k-123:60", key(PLAIN, null, "per_key", List.of("api_key"), List.of("k-123"), 60));
    }

    @Test
    void compositeValueIsAttributeValuePairsJoinedByBarInAttributeOrder() {
        assertEquals("rl:per_route:api_key:k-123|route:/v1/search:60",
                key(PLAIN, null, "per_route", List.of("api_key", "route"), List.of("k-123", "/v1/search"), 60));
        assertEquals("rl:per_route:route:/v1/search|api_key:k-123:60",
                key(PLAIN, null, "per_route", List.of("route", "api_key"), List.of("/v1/search", "k-123"), 60));
    }

    @Test
    void tenantScopedCompositeKeyPutsTheTenantAfterThePrefix() {
        assertEquals("rl:acme_eu:per_route:tenant:acme%3Aeu|route:/a:1",
                key(SCOPED, "acme:eu", "per_route", List.of("tenant", "route"), List.of("acme:eu", "/a"), 1));
        assertEquals("rl:per_route:tenant:x|route:/a:1",
                key(SCOPED, null, "per_route", List.of("tenant", "route"), List.of("x", "/a"), 1));
    }

    @Test
    void colonInAValueIsEscapedAndNeverMeetsAnUnderscore() {
        assertEquals("rl:per_route:api_key:a%3Ab|route:https%3A//x:60",
                key(PLAIN, null, "per_route", List.of("api_key", "route"), List.of("a:b", "https://x"), 60));
        assertEquals("rl:per_key:a%3Ab:60", key(PLAIN, null, "per_key", List.of("api_key"), List.of("a:b"), 60));
        assertEquals("rl:per_key:a_b:60", key(PLAIN, null, "per_key", List.of("api_key"), List.of("a_b"), 60));
    }

    @Test
    void barAndPercentInAValueAreEscaped() {
        assertEquals("rl:per_route:api_key:a%7Cb|route:100%25:60",
                key(PLAIN, null, "per_route", List.of("api_key", "route"), List.of("a|b", "100%"), 60));
        assertEquals("rl:per_key:a%257Cb:60", key(PLAIN, null, "per_key", List.of("api_key"), List.of("a%7Cb"), 60));
    }

    /** Unescaped, the first request's api_key would carry a second route pair into the key of the second request. */
    @Test
    void noValueCanNameAnotherValuesKey() {
        List<String> attributes = List.of("api_key", "route");
        String smuggled = key(PLAIN, null, "per_route", attributes, List.of("k|route:/admin", "/x"), 60);
        String plain = key(PLAIN, null, "per_route", attributes, List.of("k", "/admin|route:/x"), 60);
        assertNotEquals(smuggled, plain);
        assertEquals("rl:per_route:api_key:k%7Croute%3A/admin|route:/x:60", smuggled);
        assertEquals("rl:per_route:api_key:k|route:/admin%7Croute%3A/x:60", plain);
        // The escape character itself: "%7C" written by a client is not the escaped '|'.
        assertNotEquals(key(PLAIN, null, "per_key", List.of("api_key"), List.of("a|b"), 60),
                key(PLAIN, null, "per_key", List.of("api_key"), List.of("a%7Cb"), 60));
    }

    @Test
    void attributeNamesAndLimitNamesAreEscapedLikeValues() {
        assertEquals("rl:a%3Ab%7Cc:v:60", key(PLAIN, null, "a:b|c", List.of("x%y"), List.of("v"), 60));
        assertEquals("rl:a%3Ab%7Cc:x%25y:v|z%3Aw:u:60",
                key(PLAIN, null, "a:b|c", List.of("x%y", "z:w"), List.of("v", "u"), 60));
    }

    @Test
    void compositeValueAtTheBoundIsWrittenPlain() {
        // "api_key:" + v + "|route:/" is 16 bytes: v of 240 bytes makes the value exactly 256.
        String v = "k".repeat(RedisKeys.MAX_IDENTITY_BYTES - 16);
        assertEquals("rl:per_route:api_key:" + v + "|route:/:60",
                key(PLAIN, null, "per_route", List.of("api_key", "route"), List.of(v, "/"), 60));
    }

    /** The bound applies to the whole escaped value, pairs and separators included, not to each value alone. */
    @Test
    void compositeValueOverTheBoundIsKeyedByTheSha256OfTheWholeEscapedValue() {
        String v = "k".repeat(RedisKeys.MAX_IDENTITY_BYTES - 15);
        assertEquals("rl:per_route:sha256:" + sha256Hex("api_key:" + v + "|route:/") + ":60",
                key(PLAIN, null, "per_route", List.of("api_key", "route"), List.of(v, "/"), 60));
        // Escaping may push a value over the bound: 100 '|' are 300 bytes escaped.
        String bars = "|".repeat(100);
        assertEquals("rl:per_key:sha256:" + sha256Hex("%7C".repeat(100)) + ":60",
                key(PLAIN, null, "per_key", List.of("api_key"), List.of(bars), 60));
    }

    @Test
    void tenMegabyteCompositeValueGivesAShortKey() {
        String huge = "x".repeat(10 << 20);
        String key = key(SCOPED, "acme", "per_route", List.of("api_key", "route"), List.of(huge, "/a"), 3600);
        assertEquals("rl:acme:per_route:sha256:" + sha256Hex("api_key:" + huge + "|route:/a") + ":3600", key);
    }

    /** The request's form of a preset is the preset's key, byte for byte, whatever the value holds. */
    @Test
    void presetEntriesKeepThePresetFormat() {
        for (RedisKeys keys : List.of(PLAIN, SCOPED)) {
            for (String value : List.of("alice@example.com", "a|b%7C", "p_user_q", "v".repeat(300))) {
                assertEquals(keys.key("p:user:q", Dimension.USER, value, 60),
                        key(keys, "p:user:q", "user", List.of("user"), List.of(value), 60));
                assertEquals(keys.key("p:user:q", Dimension.TENANT, "p:user:q", 60),
                        key(keys, "p:user:q", "tenant", List.of("tenant"), List.of("p:user:q"), 60));
                assertEquals(keys.key(null, Dimension.TOOL, value, 1),
                        key(keys, null, "tool", List.of("tool"), List.of(value), 1));
            }
        }
        assertEquals("rl:user:a|b%7C:60", key(PLAIN, null, "user", List.of("user"), List.of("a|b%7C"), 60));
        assertEquals("rl:tenant:p:user:q:60", key(PLAIN, "p:user:q", "tenant", List.of("tenant"), List.of("p:user:q"), 60));
    }

    /** A limit named like a preset but keyed otherwise is a custom limit: its value is escaped. */
    @Test
    void limitNamedLikeAPresetButKeyedOtherwiseIsEscaped() {
        assertEquals("rl:user:api_key:k|route:/a%7C:60",
                key(PLAIN, null, "user", List.of("api_key", "route"), List.of("k", "/a|"), 60));
        assertEquals("rl:tool:a%7Cb:1", key(PLAIN, null, "tool", List.of("route"), List.of("a|b"), 1));
    }

    private static String key(RedisKeys keys, String tenant, String keySpace, List<String> attributes, List<String> values,
            long windowSeconds) {
        TestRequest request = TestRequest.at(0).tenant(tenant).entry(keySpace, attributes, values, 1, windowSeconds);
        return keys.key(request.batch(), 0);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
