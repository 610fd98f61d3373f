package dev.sluice.redis;

import dev.sluice.Dimension;

/**
 * The Redis key of one dimension, fixed by the system Sluice shares counters with:
 * {@code {prefix}:{dimension}:{value}:{window_seconds}}, e.g. {@code rl:user:alice@example.com:60}, or with
 * tenant-scoped keys on and a tenant present, {@code {prefix}:{tenant}:{dimension}:{value}:{window_seconds}},
 * e.g. {@code rl:acme:user:alice:60}. The braces are placeholders, not Redis hash tags.
 *
 * <h2>Unambiguous for every input</h2>
 * A tenant-scoped key's tenant segment has every {@code ':'} replaced by {@code '_'}, as a user's value always
 * has, and so has the tenant dimension's value in such a key: otherwise the user {@code q} of the tenant
 * {@code p:user:q:tenant:p} would be {@code rl:p:user:q:tenant:p:user:q:60}, the tenant key of the tenant
 * {@code p:user:q}. With the tenant one segment, the segments after the prefix are the tenant, the dimension, the
 * value and the window, and no user or tenant string can name another one's key. An unscoped key keeps its value
 * as it is: its dimension and window are fixed segments, so the value is whatever lies between them.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisKeys {
    private final String prefix;
    private final boolean tenantScoped;

    /**
     * @param prefix the first segment of every key ({@code redis_key_prefix})
     * @param tenantScoped true to put the request's tenant after the prefix ({@code redis_tenant_scoped_keys})
     */
    public RedisKeys(String prefix, boolean tenantScoped) {
        this.prefix = prefix;
        this.tenantScoped = tenantScoped;
    }

    /**
     * @param tenant the request's normalised tenant, or {@code null} (then the key is never tenant-scoped)
     * @param dimension the dimension
     * @param value the normalised user, tenant or tool name
     * @param windowSeconds the dimension's window
     * @return the key
     */
    public String key(String tenant, Dimension dimension, String value, long windowSeconds) {
        boolean scoped = tenantScoped && tenant != null;
        StringBuilder key = new StringBuilder(prefix.length() + value.length() + (scoped ? tenant.length() : 0) + 32)
                .append(prefix).append(':');
        if (scoped) {
            key.append(tenant.replace(':', '_')).append(':');
        }
        key.append(dimension.key()).append(':');
        key.append(scoped && dimension == Dimension.TENANT ? value.replace(':', '_') : value);
        return key.append(':').append(windowSeconds).toString();
    }
}
