package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Dimension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Key names as {@link RedisKeys} builds them, without a server. */
class RedisKeysTest {
    private static final RedisKeys PLAIN = new RedisKeys("rl", false);
    private static final RedisKeys SCOPED = new RedisKeys("rl", true);

    @Test
    void unscopedKeysArePrefixDimensionValueWindow() {
        assertEquals("rl:user:alice@example.com:60", PLAIN.key("acme", Dimension.USER, "alice@example.com", 60));
        assertEquals("rl:tenant:acme:3600", PLAIN.key("acme", Dimension.TENANT, "acme", 3600));
        assertEquals("rl:tool:search:1", PLAIN.key(null, Dimension.TOOL, "search", 1));
    }

    @Test
    void unscopedTenantValueKeepsItsColons() {
        assertEquals("rl:tenant:p:user:q:60", PLAIN.key("p:user:q", Dimension.TENANT, "p:user:q", 60));
    }

    @Test
    void scopedKeysOfAPlainTenantAreUnchanged() {
        assertEquals("rl:acme:user:alice:60", SCOPED.key("acme", Dimension.USER, "alice", 60));
        assertEquals("rl:acme:tenant:acme:60", SCOPED.key("acme", Dimension.TENANT, "acme", 60));
        assertEquals("rl:acme:tool:search:1", SCOPED.key("acme", Dimension.TOOL, "search", 1));
        assertEquals("rl:user:bob:60", SCOPED.key(null, Dimension.USER, "bob", 60));
    }

    @Test
    void scopedKeysReplaceEveryColonOfTheTenantInTheNamespaceAndTheTenantValue() {
        assertEquals("rl:p_user_q_tenant_p:user:q:60", SCOPED.key("p:user:q:tenant:p", Dimension.USER, "q", 60));
        assertEquals("rl:p_user_q:tenant:p_user_q:60", SCOPED.key("p:user:q", Dimension.TENANT, "p:user:q", 60));
    }

    /** The collision of the unescaped format: a user of one tenant named another tenant's tenant key. */
    @Test
    void userOfOneTenantCannotNameTheTenantKeyOfAnother() {
        String userKey = SCOPED.key("p:user:q:tenant:p", Dimension.USER, "q", 60);
        String tenantKey = SCOPED.key("p:user:q", Dimension.TENANT, "p:user:q", 60);
        assertNotEquals(tenantKey, userKey);
    }

    @Test
    void identityAtTheBoundKeepsThePlainFormat() {
        String ascii = "a".repeat(RedisKeys.MAX_IDENTITY_BYTES);
        assertEquals("rl:user:" + ascii + ":60", PLAIN.key(null, Dimension.USER, ascii, 60));
        // 128 two-byte characters: 128 UTF-16 units, 256 bytes of UTF-8.
        String accented = "\u00e9".repeat(RedisKeys.MAX_IDENTITY_BYTES / 2);
        assertEquals("rl:user:" + accented + ":60", PLAIN.key(null, Dimension.USER, accented, 60));
    }

    @Test
    void identityOneBytePastTheBoundIsKeyedByTheSha256OfItsUtf8() {
        String ascii = "a".repeat(RedisKeys.MAX_IDENTITY_BYTES + 1);
        assertEquals("rl:user:sha256:" + sha256Hex(ascii) + ":60", PLAIN.key(null, Dimension.USER, ascii, 60));
        // 86 three-byte characters: 86 UTF-16 units, 258 bytes of UTF-8.
        String euros = "\u20ac".repeat(86);
        assertEquals("rl:user:sha256:" + sha256Hex(euros) + ":60", PLAIN.key(null, Dimension.USER, euros, 60));
    }

    @Test
    void tenMegabyteIdentityGivesAShortKey() {
        String huge = "x".repeat(10 << 20);
        String key = PLAIN.key(null, Dimension.USER, huge, 60);
        assertEquals("rl:user:sha256:" + sha256Hex(huge) + ":60", key);
        assertTrue(key.length() < 100, key);
    }

    @Test
    void longTenantIsDigestedInTheNamespaceAndAsTheTenantValue() {
        String tenant = "t:" + "a".repeat(RedisKeys.MAX_IDENTITY_BYTES);
        String scoped = "sha256:" + sha256Hex(tenant.replace(':', '_'));
        assertEquals("rl:" + scoped + ":user:alice:60", SCOPED.key(tenant, Dimension.USER, "alice", 60));
        assertEquals("rl:" + scoped + ":tenant:" + scoped + ":60", SCOPED.key(tenant, Dimension.TENANT, tenant, 60));
        assertEquals("rl:tenant:sha256:" + sha256Hex(tenant) + ":60", PLAIN.key(tenant, Dimension.TENANT, tenant, 60));
    }

    /** A tenant value may contain ':'; one spelled exactly like a digest must not share the digested tenant's key. */
    @Test
    void unscopedTenantShapedLikeADigestCannotNameTheDigestedTenant() {
        String longTenant = "b".repeat(RedisKeys.MAX_IDENTITY_BYTES + 1);
        String impostor = "sha256:" + sha256Hex(longTenant);
        assertNotEquals(PLAIN.key(longTenant, Dimension.TENANT, longTenant, 60),
                PLAIN.key(impostor, Dimension.TENANT, impostor, 60));
        assertEquals("rl:tenant:sha256:" + sha256Hex(impostor) + ":60", PLAIN.key(impostor, Dimension.TENANT, impostor, 60));
    }

    @Test
    void toolNamesAreWrittenAsConfigured() {
        String tool = "t".repeat(RedisKeys.MAX_IDENTITY_BYTES + 1);
        assertEquals("rl:tool:" + tool + ":1", PLAIN.key(null, Dimension.TOOL, tool, 1));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
