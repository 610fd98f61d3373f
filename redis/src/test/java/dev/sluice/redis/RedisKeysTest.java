package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sluice.Dimension;
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
}
